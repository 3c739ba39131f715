import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeEnvironmentError } from '@seam/persistence';
import { IdentityConfigError, identityConfigFromEnv } from './identity.config.js';
import { scryptCostFor } from './infrastructure/password-hasher.js';

// Shaped like `openssl rand -base64 24`: production refuses a secret typed by hand.
const secret = 'q3Vx9LmZp0Rt7YwBc2Nd5Hj8Kf1Gs4Ua';

describe('identityConfigFromEnv', () => {
  it('defaults to no secret (generated and stored) and one hour', () => {
    const defaults = { jwtSecret: undefined, previousJwtSecret: undefined, tokenTtlSeconds: 3_600, production: false };
    expect(identityConfigFromEnv({})).toEqual(defaults);
    expect(identityConfigFromEnv({ JWT_SECRET: '', JWT_SECRET_FILE: '', JWT_TTL_SECONDS: ' ' })).toEqual(defaults);
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

  describe('in production (NODE_ENV=production)', () => {
    const production = { NODE_ENV: 'production' };

    it.each([{}, { JWT_SECRET: '' }, { JWT_SECRET_FILE: '' }, { JWT_PREVIOUS_SECRET: secret }])(
      'refuses to start without JWT_SECRET (%p), with a typed error naming it',
      (env) => {
        const attempt = () => identityConfigFromEnv({ ...production, ...env });
        expect(attempt).toThrow(IdentityConfigError);
        expect(attempt).toThrow(/^JWT_SECRET is required in production/);
        expect(attempt).not.toThrow(secret);
      },
    );

    it.each([
      ['JWT_SECRET', 'a'.repeat(48)],
      ['JWT_SECRET', 'changeme'.repeat(4)],
      ['JWT_SECRET', 'password-password-password-password'],
      ['JWT_PREVIOUS_SECRET', 'changeme'.repeat(4)],
    ])('refuses %s typed by hand (%p): a guessed key forges any account', (variable, value) => {
      const attempt = () => identityConfigFromEnv({ ...production, JWT_SECRET: secret, [variable]: value });
      expect(attempt).toThrow(IdentityConfigError);
      expect(attempt).toThrow(`${variable} holds fewer than 10 distinct byte values`);
      expect(attempt).not.toThrow(value);
    });

    it('refuses a key file typed by hand, naming JWT_SECRET_FILE', () => {
      const path = join(mkdtempSync(join(tmpdir(), 'identity-weak-')), 'jwt.key');
      writeFileSync(path, `${'changeme'.repeat(4)}\n`, { mode: 0o600 });
      expect(() => identityConfigFromEnv({ ...production, JWT_SECRET_FILE: path })).toThrow(
        'JWT_SECRET_FILE holds fewer than 10 distinct byte values',
      );
    });

    it('takes a key as `openssl rand -hex 32` prints it (16 symbols), and any long value outside production', () => {
      const hex = '3f9a0c7be14d2856a9f07c3e1b5d2a846e0f9c1b7a3d5e28f4c60b9a1d7e3c52';
      expect(Buffer.from(identityConfigFromEnv({ ...production, JWT_SECRET: hex }).jwtSecret!).toString()).toBe(hex);
      expect(identityConfigFromEnv({ NODE_ENV: 'development', JWT_SECRET: 'a'.repeat(32) }).jwtSecret).toHaveLength(32);
    });

    it.each(['Production', ' PRODUCTION '])('refuses NODE_ENV=%p instead of guessing what it means', (NODE_ENV) => {
      expect(() => identityConfigFromEnv({ NODE_ENV, JWT_SECRET: secret })).toThrow(NodeEnvironmentError);
    });

    it('starts with JWT_SECRET, and says it is production', () => {
      expect(identityConfigFromEnv({ ...production, JWT_SECRET: secret }).production).toBe(true);
      expect(identityConfigFromEnv({ NODE_ENV: 'development', JWT_SECRET: secret }).production).toBe(false);
    });

    it("hashes new passwords at OWASP's scrypt minimum (N=2^17, r=8, p=1), and cheaper outside production", () => {
      expect(scryptCostFor(identityConfigFromEnv({ ...production, JWT_SECRET: secret }))).toEqual({
        N: 2 ** 17,
        r: 8,
        p: 1,
      });
      expect(scryptCostFor(identityConfigFromEnv({ NODE_ENV: 'development', JWT_SECRET: secret })).N).toBeLessThan(
        2 ** 17,
      );
    });
  });

  describe('key files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'identity-config-'));
    const file = (name: string, contents: string | Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, contents, { mode: 0o600 });
      return path;
    };

    it('reads JWT_SECRET_FILE, without the one newline a secret file ends with', () => {
      for (const [name, ending] of [
        ['lf', '\n'],
        ['crlf', '\r\n'],
        ['none', ''],
      ]) {
        const config = identityConfigFromEnv({ NODE_ENV: 'production', JWT_SECRET_FILE: file(name, secret + ending) });
        expect(Buffer.from(config.jwtSecret!).toString()).toBe(secret);
      }
      const twoNewlines = identityConfigFromEnv({ JWT_SECRET_FILE: file('two', `${secret}\n\n`) });
      expect(twoNewlines.jwtSecret).toHaveLength(33);
    });

    it('keeps binary key bytes as they are', () => {
      const bytes = Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 37) % 256));
      expect(Buffer.from(identityConfigFromEnv({ JWT_SECRET_FILE: file('binary', bytes) }).jwtSecret!)).toEqual(bytes);
    });

    it('reads JWT_PREVIOUS_SECRET and JWT_PREVIOUS_SECRET_FILE, with the same checks', () => {
      const previous = 'p'.repeat(40);
      expect(Buffer.from(identityConfigFromEnv({ JWT_PREVIOUS_SECRET: previous }).previousJwtSecret!).toString()).toBe(
        previous,
      );
      expect(
        Buffer.from(
          identityConfigFromEnv({ JWT_PREVIOUS_SECRET_FILE: file('previous', previous) }).previousJwtSecret!,
        ).toString(),
      ).toBe(previous);
      expect(() => identityConfigFromEnv({ JWT_PREVIOUS_SECRET: 'short-and-secret' })).toThrow(
        'JWT_PREVIOUS_SECRET must be at least 32 bytes, got 16',
      );
    });

    it('refuses a short key file, without echoing it', () => {
      const attempt = () => identityConfigFromEnv({ JWT_SECRET_FILE: file('short', 'hunter2-hunter2\n') });
      expect(attempt).toThrow('JWT_SECRET_FILE must be at least 32 bytes, got 15');
      expect(attempt).not.toThrow(/hunter2/);
    });

    it.each([
      ['missing', () => join(dir, 'no-such-file'), 'ENOENT'],
      ['a directory', () => dir, 'EISDIR'],
    ])('refuses a key file that is %s, naming JWT_SECRET_FILE and the path', (_what, path, code) => {
      expect(() => identityConfigFromEnv({ JWT_SECRET_FILE: path() })).toThrow(
        new IdentityConfigError(
          'JWT_SECRET_FILE',
          `names a file that cannot be read (${code}): ${JSON.stringify(path())}`,
        ),
      );
    });

    it('refuses JWT_SECRET and JWT_SECRET_FILE together: which one would win is a guess', () => {
      expect(() => identityConfigFromEnv({ JWT_SECRET: secret, JWT_SECRET_FILE: file('both', secret) })).toThrow(
        'JWT_SECRET and JWT_SECRET_FILE are both set: set only one',
      );
    });
  });

  it('answers any secret-like value with a config or an IdentityConfigError that never contains it', () => {
    const variables = ['JWT_SECRET', 'JWT_PREVIOUS_SECRET'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...variables),
        fc.string({ unit: 'binary', minLength: 6, maxLength: 80 }),
        fc.boolean(),
        (variable, value, production) => {
          const env = { [variable]: value, ...(production ? { NODE_ENV: 'production' } : {}) };
          const outcome = (() => {
            try {
              const config = identityConfigFromEnv(env);
              const bytes = variable === 'JWT_SECRET' ? config.jwtSecret : config.previousJwtSecret;
              return { accepted: Buffer.from(bytes!).toString() };
            } catch (error) {
              return { typed: error instanceof IdentityConfigError, leaks: String(error).includes(value) };
            }
          })();
          // Either kept exactly as given, or refused with the typed error that does not repeat it.
          expect(outcome).toEqual('accepted' in outcome ? { accepted: value } : { typed: true, leaks: false });
        },
      ),
    );
  });
});
