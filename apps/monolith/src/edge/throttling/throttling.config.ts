/** At most `limit` requests per `ttlMs`; one over it is refused until the window has passed. */
export interface RateLimit {
  readonly limit: number;
  readonly ttlMs: number;
}

/**
 * Progressive delay after failed log-ins and refused registrations: `freeFailures` within
 * `windowMs` cost nothing; from then on each failure makes the next attempt wait
 * `firstDelayMs`, doubling per further failure up to `maxDelayMs`.
 */
export interface FailurePolicy {
  readonly freeFailures: number;
  readonly windowMs: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

/** How the HTTP edge throttles clients (see docs/security.md, "Edge throttling"). */
export interface ThrottlingConfig {
  /** Every `/api` request, per client address (`SEAM_THROTTLE_LIMIT`); `undefined` = off. */
  readonly perAddress?: RateLimit;
  /** Log-in and register attempts, whatever their outcome, per client address. */
  readonly authPerAddress: RateLimit;
  /** Log-in and register attempts, whatever their outcome, per account (normalised e-mail). */
  readonly authPerAccount: RateLimit;
  /** Failures (wrong credentials, an e-mail already registered) per account. */
  readonly accountFailures: FailurePolicy;
  /** Failures per client address, whatever the account. */
  readonly addressFailures: FailurePolicy;
  /** Shared counters for edge replicas (`SEAM_THROTTLE_REDIS_URL`); in memory when absent. */
  readonly redisUrl?: string;
  /** Express `trust proxy` (`SEAM_TRUST_PROXY`); `undefined` = the socket's address is the client's. */
  readonly trustProxy?: string | number;
}

/** Injection token of the {@link ThrottlingConfig}. */
export const THROTTLING_CONFIG = Symbol.for('edge.throttling-config');

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * The defaults: far above what a person does (a browser page makes a few requests a second; a
 * person logs in a few times a day), far below what a script needs to guess passwords or list
 * accounts. Each log-in or registration costs a 32 MiB scrypt hash, so attempts are capped
 * before any failure too.
 */
export const DEFAULT_THROTTLING: ThrottlingConfig = Object.freeze({
  perAddress: Object.freeze({ limit: 1_000, ttlMs: 10 * SECOND }),
  authPerAddress: Object.freeze({ limit: 100, ttlMs: MINUTE }),
  authPerAccount: Object.freeze({ limit: 10, ttlMs: MINUTE }),
  accountFailures: Object.freeze({
    freeFailures: 5,
    windowMs: 15 * MINUTE,
    firstDelayMs: 2 * SECOND,
    maxDelayMs: 15 * MINUTE,
  }),
  addressFailures: Object.freeze({
    freeFailures: 20,
    windowMs: 15 * MINUTE,
    firstDelayMs: 2 * SECOND,
    maxDelayMs: 15 * MINUTE,
  }),
});

const UNITS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: 60 * MINUTE };

/**
 * The throttling configuration from the environment:
 * - `SEAM_THROTTLE_LIMIT`: `<requests>/<window>` (e.g. `1000/10s`, `50/1m`) per client address
 *   on every `/api` route, or `off` (load tests from one address);
 * - `SEAM_THROTTLE_REDIS_URL`: `redis://…` to share counters between edge replicas;
 * - `SEAM_TRUST_PROXY`: hops (`1`) or addresses/subnets (`loopback`, `10.0.0.0/8, 172.16.0.1`)
 *   of the reverse proxies whose `X-Forwarded-For` is believed. `true` is refused: it would
 *   believe any client's header and let each request pick its own address.
 *
 * @throws Error naming the variable when a value cannot be used.
 */
export function throttlingConfigFrom(env: NodeJS.ProcessEnv = process.env): ThrottlingConfig {
  const limit = env.SEAM_THROTTLE_LIMIT?.trim();
  const redisUrl = env.SEAM_THROTTLE_REDIS_URL?.trim();
  const trustProxy = env.SEAM_TRUST_PROXY?.trim();
  return {
    ...DEFAULT_THROTTLING,
    perAddress: limit ? parseRateLimit(limit) : DEFAULT_THROTTLING.perAddress,
    ...(redisUrl ? { redisUrl: parseRedisUrl(redisUrl) } : {}),
    ...(trustProxy ? { trustProxy: parseTrustProxy(trustProxy) } : {}),
  };
}

function parseRateLimit(value: string): RateLimit | undefined {
  if (value.toLowerCase() === 'off') return undefined;
  const match = /^(\d+)\s*\/\s*(\d+)\s*(ms|s|m|h)$/.exec(value);
  const limit = Number(match?.[1]);
  const ttlMs = Number(match?.[2]) * (UNITS[match?.[3] ?? ''] ?? 0);
  if (!match || limit < 1 || ttlMs < 1 || !Number.isSafeInteger(ttlMs))
    throw new Error(`SEAM_THROTTLE_LIMIT must be <requests>/<window> such as 1000/10s, or off; got "${value}"`);
  return { limit, ttlMs };
}

function parseRedisUrl(value: string): string {
  if (!/^rediss?:\/\/[^/]/.test(value)) throw new Error('SEAM_THROTTLE_REDIS_URL must be a redis:// or rediss:// URL');
  return value;
}

function parseTrustProxy(value: string): string | number {
  if (/^\d+$/.test(value)) return Number(value);
  if (/^(true|\*|0\.0\.0\.0\/0|::\/0)$/i.test(value))
    throw new Error(
      `SEAM_TRUST_PROXY=${value} would believe X-Forwarded-For from anyone: name the proxies (addresses, subnets, loopback) or the number of hops`,
    );
  if (value.toLowerCase() === 'false') return 0;
  return value;
}
