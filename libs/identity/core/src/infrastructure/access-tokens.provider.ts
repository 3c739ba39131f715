import { type FactoryProvider, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { IDENTITY_CONFIG, type IdentityConfig, MIN_SECRET_BYTES } from '../identity.config.js';
import { AccessTokens } from './access-tokens.js';
import { SigningKeyRepository } from './signing-key.repository.js';

/** The `signing_key` row of the generated HS256 secret. */
export const SIGNING_KEY_ID = 'jwt-hs256';

/**
 * Provides {@link AccessTokens} signed with `JWT_SECRET`, or — with zero configuration — with a
 * random secret generated on the first start and kept in the module's database, so tokens stay
 * valid across restarts and across replicas sharing the database.
 */
export const accessTokensProvider: FactoryProvider<AccessTokens> = {
  provide: AccessTokens,
  inject: [IDENTITY_CONFIG, SigningKeyRepository],
  useFactory: async (config: IdentityConfig, keys: SigningKeyRepository) => {
    const secret = config.jwtSecret ?? (await keys.getOrCreate(SIGNING_KEY_ID, () => randomBytes(MIN_SECRET_BYTES)));
    new Logger('Identity').log(
      `Signing tokens with ${config.jwtSecret ? 'JWT_SECRET' : 'the secret stored in its database'}`,
    );
    return new AccessTokens(secret, config.tokenTtlSeconds);
  },
};
