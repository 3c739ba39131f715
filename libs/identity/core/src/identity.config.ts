/** How the identity module signs tokens, read once at start-up. */
export interface IdentityConfig {
  /** `JWT_SECRET` as bytes; absent: the module generates one and keeps it in its own database. */
  jwtSecret?: Uint8Array;
  /** `JWT_TTL_SECONDS`: how long an access token is valid (default 3600). */
  tokenTtlSeconds: number;
}

/** Injection token of the {@link IdentityConfig}. */
export const IDENTITY_CONFIG = Symbol.for('identity.config');

/** HS256 needs a key at least as long as its 256-bit output (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;
const DEFAULT_TTL_SECONDS = 3_600;
const MAX_TTL_SECONDS = 7 * 24 * 3_600;

/**
 * Reads the identity configuration from the environment.
 *
 * @throws Error naming the variable when a value cannot work (the module then refuses to start):
 * a `JWT_SECRET` shorter than 32 bytes, a `JWT_TTL_SECONDS` that is not a whole number of
 * seconds between 1 and 7 days. The message never contains the secret.
 */
export function identityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return { jwtSecret: secretFrom(env.JWT_SECRET), tokenTtlSeconds: ttlFrom(env.JWT_TTL_SECONDS) };
}

function secretFrom(value: string | undefined): Uint8Array | undefined {
  // An empty variable (`JWT_SECRET=` in a compose file) means "not set"; any other value is used
  // byte for byte, untrimmed: trimming would silently change the key.
  if (value === undefined || value === '') return undefined;
  const bytes = new TextEncoder().encode(value);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new Error(
      `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length}: ` +
        'set a longer random value (e.g. `openssl rand -base64 48`), or unset it to let identity generate and store one',
    );
  }
  return bytes;
}

function ttlFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_TTL_SECONDS;
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_TTL_SECONDS)) {
    throw new Error(`JWT_TTL_SECONDS must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}, got "${value}"`);
  }
  return seconds;
}
