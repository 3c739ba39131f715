import { readFileSync } from 'node:fs';
import { isProduction } from '@seam/persistence';

/** How the identity module signs tokens and hashes passwords, read once at start-up. */
export interface IdentityConfig {
  /**
   * `JWT_SECRET` (or the contents of `JWT_SECRET_FILE`) as bytes; absent: the module generates
   * one and keeps it in its own database — refused in production.
   */
  jwtSecret?: Uint8Array;
  /**
   * `JWT_PREVIOUS_SECRET` (or `JWT_PREVIOUS_SECRET_FILE`): the key being rotated out. Tokens it
   * signed (their `kid` names it) still verify until they expire; new tokens use `jwtSecret`.
   */
  previousJwtSecret?: Uint8Array;
  /** `JWT_TTL_SECONDS`: how long an access token is valid (default 3600). */
  tokenTtlSeconds: number;
  /** Whether `NODE_ENV=production`: no generated key, the production password-hashing cost. */
  production: boolean;
}

/** Injection token of the {@link IdentityConfig}. */
export const IDENTITY_CONFIG = Symbol.for('identity.config');

/** HS256 needs a key at least as long as its 256-bit output (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;
/**
 * Distinct byte values a production secret must hold. Anyone who guesses the secret forges
 * tokens for any account, admins included, so a value typed by hand (`aaaa…`, `changeme`
 * repeated, a word padded to length) must not pass for a key. Random keys clear it with room:
 * `openssl rand -hex 32` (64 characters over 16 symbols) holds fewer than 10 distinct values
 * with odds below 1e-14, base64 output far more.
 */
export const MIN_DISTINCT_SECRET_BYTES = 10;
const DEFAULT_TTL_SECONDS = 3_600;
const MAX_TTL_SECONDS = 7 * 24 * 3_600;

/**
 * An identity setting that cannot work. It names the variable and says what to do; it never
 * contains a secret's value.
 */
export class IdentityConfigError extends Error {
  constructor(
    /** The environment variable at fault (`JWT_SECRET`, `JWT_SECRET_FILE`…). */
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'IdentityConfigError';
  }
}

/**
 * Reads the identity configuration from the environment.
 *
 * @throws IdentityConfigError naming the variable when a value cannot work (the module then
 * refuses to start): a secret shorter than 32 bytes, a secret given both inline and as a file, a
 * key file that cannot be read, no secret at all in production, a `JWT_TTL_SECONDS` that is not a
 * whole number of seconds between 1 and 7 days. The message never contains a secret.
 * @throws NodeEnvironmentError for a `NODE_ENV` other than production, development or test.
 */
export function identityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  const production = isProduction(env);
  const jwtSecret = secretFrom(env, 'JWT_SECRET', production);
  if (production && !jwtSecret) {
    throw new IdentityConfigError(
      'JWT_SECRET',
      'is required in production (NODE_ENV=production): set it, or JWT_SECRET_FILE, to at least ' +
        `${MIN_SECRET_BYTES} random bytes (e.g. \`openssl rand -base64 48\`); a key generated into the database is for development only`,
    );
  }
  return {
    jwtSecret,
    previousJwtSecret: secretFrom(env, 'JWT_PREVIOUS_SECRET', production),
    tokenTtlSeconds: ttlFrom(env.JWT_TTL_SECONDS),
    production,
  };
}

function secretFrom(env: NodeJS.ProcessEnv, variable: string, production: boolean): Uint8Array | undefined {
  const fileVariable = `${variable}_FILE`;
  // An empty variable (`JWT_SECRET=` in a compose file) means "not set".
  const inline = env[variable] || undefined;
  const file = env[fileVariable] || undefined;
  if (inline !== undefined && file !== undefined)
    throw new IdentityConfigError(variable, `and ${fileVariable} are both set: set only one`);
  if (file !== undefined) return checked(fileVariable, readKeyFile(fileVariable, file), production);
  // Any other value is used byte for byte, untrimmed: trimming would silently change the key.
  return inline === undefined ? undefined : checked(variable, new TextEncoder().encode(inline), production);
}

function readKeyFile(variable: string, path: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new IdentityConfigError(variable, `names a file that cannot be read (${reason}): ${JSON.stringify(path)}`);
  }
  // Secret files written by `echo`, editors and Kubernetes end in one newline: not part of the key.
  const end = bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? bytes.length - 2 : bytes.length - 1) : bytes.length;
  return new Uint8Array(bytes.subarray(0, end));
}

function checked(variable: string, bytes: Uint8Array, production: boolean): Uint8Array {
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new IdentityConfigError(
      variable,
      `must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length}: ` +
        'use a longer random value (e.g. `openssl rand -base64 48`)',
    );
  }
  // Development keeps any long value (tests and local setups use fixed ones); production, where a
  // guessed key forges every account's tokens, does not.
  if (production && new Set(bytes).size < MIN_DISTINCT_SECRET_BYTES) {
    throw new IdentityConfigError(
      variable,
      `holds fewer than ${MIN_DISTINCT_SECRET_BYTES} distinct byte values, which no random key does: ` +
        'a value typed by hand can be guessed (use e.g. `openssl rand -base64 48`)',
    );
  }
  return bytes;
}

function ttlFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_TTL_SECONDS;
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_TTL_SECONDS)) {
    throw new IdentityConfigError(
      'JWT_TTL_SECONDS',
      `must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}, got "${value}"`,
    );
  }
  return seconds;
}
