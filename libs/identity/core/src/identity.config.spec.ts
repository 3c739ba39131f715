import { describe, expect, it } from '@jest/globals';
import { identityConfigFromEnv } from './identity.config.js';

const secret = 'k'.repeat(32);

describe('identityConfigFromEnv', () => {
  it('defaults to no secret (generated and stored) and one hour', () => {
    expect(identityConfigFromEnv({})).toEqual({ jwtSecret: undefined, tokenTtlSeconds: 3_600 });
    expect(identityConfigFromEnv({ JWT_SECRET: '', JWT_TTL_SECONDS: ' ' })).toEqual({
      jwtSecret: undefined,
      tokenTtlSeconds: 3_600,
    });
  });

  it('takes JWT_SECRET byte for byte and JWT_TTL_SECONDS', () => {
    const config = identityConfigFromEnv({ JWT_SECRET: ` ${secret}`, JWT_TTL_SECONDS: '900' });
    expect(Buffer.from(config.jwtSecret!).toString()).toBe(` ${secret}`);
    expect(config.tokenTtlSeconds).toBe(900);
  });

  it('counts the secret in bytes, not characters', () => {
    // 16 two-byte characters are 32 bytes.
    expect(identityConfigFromEnv({ JWT_SECRET: 'é'.repeat(16) }).jwtSecret).toHaveLength(32);
  });

  it('refuses a secret under 32 bytes, without echoing it', () => {
    const attempt = () => identityConfigFromEnv({ JWT_SECRET: 'hunter2-hunter2-hunter2-hunter2' });
    expect(attempt).toThrow('JWT_SECRET must be at least 32 bytes, got 31');
    expect(attempt).not.toThrow(/hunter2/);
  });

  it.each(['0', '-5', '1.5', 'soon', '604801'])('refuses JWT_TTL_SECONDS=%s', (value) => {
    expect(() => identityConfigFromEnv({ JWT_TTL_SECONDS: value })).toThrow(
      `JWT_TTL_SECONDS must be a whole number of seconds from 1 to 604800, got "${value}"`,
    );
  });
});
