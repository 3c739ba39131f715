import { type FactoryProvider, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { IDENTITY_CONFIG, type IdentityConfig, MIN_SECRET_BYTES } from '../identity.config.js';
import { AccessTokens } from './access-tokens.js';
import { SigningKeyRepository } from './signing-key.repository.js';

/** The `signing_key` row of the generated HS256 secret. */
export const SIGNING_KEY_ID = 'jwt-hs256';

/**
 * Provides {@link AccessTokens} signed with `JWT_SECRET` (and verifying `JWT_PREVIOUS_SECRET`'s
 * tokens during a rotation), or — with zero configuration, outside production — with a random
 * secret generated on the first start and kept in the module's database, so tokens stay valid
 * across restarts and across replicas sharing the database. In production the configuration
 * already refused to load without `JWT_SECRET`.
 */
export const accessTokensProvider: FactoryProvider<AccessTokens> = {
  provide: AccessTokens,
  inject: [IDENTITY_CONFIG, SigningKeyRepository],
  useFactory: async (config: IdentityConfig, keys: SigningKeyRepository) => {
    const secret = config.jwtSecret ?? (await keys.getOrCreate(SIGNING_KEY_ID, () => randomBytes(MIN_SECRET_BYTES)));
    const logger = new Logger('Identity');
    if (config.jwtSecret) logger.log('Signing tokens with JWT_SECRET');
    else
      logger.warn(
        'Signing tokens with a secret stored in its own database (development only): anyone who can read that database can forge tokens — set JWT_SECRET',
      );
    if (config.previousJwtSecret) logger.log('Also accepting tokens signed with JWT_PREVIOUS_SECRET until they expire');
    return new AccessTokens(secret, config.tokenTtlSeconds, undefined, config.previousJwtSecret);
  },
};
