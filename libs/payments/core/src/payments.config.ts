import { isProduction } from '@seam/persistence';
import { MIN_FINGERPRINT_KEY_BYTES } from './domain/card-fingerprint.js';
import { DAY_MS, MAX_IDEMPOTENCY_RETENTION_MS, MIN_IDEMPOTENCY_RETENTION_MS } from './idempotency-retention.js';

/** How the payments module talks to its provider, and how long it remembers idempotency keys. */
export interface PaymentsConfig {
  /**
   * Longest wait for one provider call, in ms (default 2,000). Past it the call fails with
   * `UnavailableError` and its idempotency key is released for a retry. An unanswered claim is
   * taken over as abandoned only 28 s past it (30 s at least), so a longer timeout also keeps a
   * dead process's claim longer.
   */
  providerTimeoutMs: number;
  /** How long the fake provider's slow card takes to answer, in ms (default 1,500). */
  slowMs: number;
  /**
   * The secret that keys card fingerprints (HMAC-SHA-256), at least 32 bytes, kept outside the
   * database. The same on every replica and across restarts: an idempotency key reused with
   * another card whose last four digits match is then refused by any of them. Unset: a random
   * key per process, and a reuse whose first request went through another process (or before a
   * restart) is compared on everything but the card's other digits. Required in production.
   */
  cardFingerprintKey?: string;
  /**
   * How long an idempotency key is kept after its last write, in ms (default 30 days, at least 2;
   * see `DEFAULT_IDEMPOTENCY_RETENTION_MS` for why that is safe). Within it a repeated request gets the first
   * answer; after it the key is forgotten and a request reusing it is a new one.
   */
  idempotencyRetentionMs?: number;
}

/**
 * Injection token of the {@link PaymentsConfig}. The module provides it from the environment;
 * an app or a test replaces it to set the values directly.
 */
export const PAYMENTS_CONFIG = Symbol.for('payments.config');

/** The defaults: a slow card answers in time, a hung provider is given up on soon after. */
export const DEFAULT_PAYMENTS_CONFIG: Readonly<PaymentsConfig> = Object.freeze({
  providerTimeoutMs: 2_000,
  slowMs: 1_500,
});

/**
 * Distinct byte values a production fingerprint key must hold: `openssl rand -hex 32` (64
 * characters over 16 symbols) has fewer with odds below 1e-14, base64 output far more.
 */
const MIN_DISTINCT_KEY_BYTES = 10;

/**
 * Reads the configuration from `PAYMENTS_PROVIDER_TIMEOUT_MS` and `PAYMENTS_FAKE_SLOW_MS`,
 * each falling back to its default when unset or blank, and `PAYMENTS_CARD_FINGERPRINT_KEY` and
 * `PAYMENTS_IDEMPOTENCY_RETENTION_DAYS` (left out when unset or blank).
 *
 * @throws NodeEnvironmentError when a fingerprint key is set and `NODE_ENV` is none of production,
 * development or test.
 *
 * @throws Error naming the variable when a value is not a whole number of milliseconds, when
 * the fingerprint key is shorter than 32 bytes (or, in production, unset or not random), or when
 * the retention is not a whole number of days from 2 to 3650.
 */
export function paymentsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  const key = env.PAYMENTS_CARD_FINGERPRINT_KEY?.trim();
  // Without it each process keys fingerprints its own way: replicas and restarts cannot tell an
  // idempotency key reused with another card (ending in the same four digits) from a repeat.
  if (!key && isProduction(env))
    throw new Error(
      'PAYMENTS_CARD_FINGERPRINT_KEY is required in production: the same random key on every payments replica, e.g. `openssl rand -base64 32`',
    );
  if (key && Buffer.byteLength(key, 'utf8') < MIN_FINGERPRINT_KEY_BYTES) {
    // The value itself is a secret: never in the message.
    throw new Error(`PAYMENTS_CARD_FINGERPRINT_KEY must be at least ${MIN_FINGERPRINT_KEY_BYTES} bytes`);
  }
  // A key typed by hand (`aaaa…`, a word repeated) can be guessed, and with it every stored
  // fingerprint searched back to its card number. Development keeps fixed keys (tests use them).
  if (key && isProduction(env) && new Set(Buffer.from(key, 'utf8')).size < MIN_DISTINCT_KEY_BYTES) {
    throw new Error(
      `PAYMENTS_CARD_FINGERPRINT_KEY holds fewer than ${MIN_DISTINCT_KEY_BYTES} distinct byte values, which no random key does: use e.g. \`openssl rand -base64 32\``,
    );
  }
  return {
    providerTimeoutMs: milliseconds(env, 'PAYMENTS_PROVIDER_TIMEOUT_MS', DEFAULT_PAYMENTS_CONFIG.providerTimeoutMs, 1),
    slowMs: milliseconds(env, 'PAYMENTS_FAKE_SLOW_MS', DEFAULT_PAYMENTS_CONFIG.slowMs, 0),
    ...(key ? { cardFingerprintKey: key } : {}),
    ...retentionFromEnv(env),
  };
}

function retentionFromEnv(env: NodeJS.ProcessEnv): Pick<PaymentsConfig, 'idempotencyRetentionMs'> {
  const name = 'PAYMENTS_IDEMPOTENCY_RETENTION_DAYS';
  const raw = env[name]?.trim();
  if (!raw) return {};
  const [min, max] = [MIN_IDEMPOTENCY_RETENTION_MS / DAY_MS, MAX_IDEMPOTENCY_RETENTION_MS / DAY_MS];
  const days = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(days >= min && days <= max))
    throw new Error(`${name} must be a whole number of days from ${min} to ${max}, got "${raw}"`);
  return { idempotencyRetentionMs: days * DAY_MS };
}

function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  // Above a day it is a typo, not a timeout; setTimeout would also overflow past 2^31 - 1 ms.
  if (!/^\d+$/.test(raw) || value < min || value > 86_400_000) {
    throw new Error(`${name} must be a whole number of milliseconds from ${min} to 86400000, got "${raw}"`);
  }
  return value;
}
