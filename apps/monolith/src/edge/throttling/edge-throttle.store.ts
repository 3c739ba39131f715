import type { ThrottlerStorage } from '@nestjs/throttler';

/**
 * Where the edge keeps its throttling state: `@nestjs/throttler`'s storage (counters with a
 * window and a block, as `ThrottlerGuard` uses them) plus the delays of the log-in throttle,
 * which must be read without counting an attempt. One implementation in memory (one edge
 * process), one in Redis (edge replicas share it).
 *
 * `increment` keeps the stock storage's units: `ttl` and `blockDuration` in milliseconds,
 * `timeToExpire` and `timeToBlockExpire` in whole seconds (rounded up). It counts in fixed
 * windows: the first hit opens a window of `ttl`; a hit over `limit` blocks the key for
 * `blockDuration` (or, when that is 0, until the window ends) and the hits made while blocked
 * are not counted.
 */
export interface EdgeThrottleStore extends ThrottlerStorage {
  /** Milliseconds until `subject` may try again; 0 when it is not delayed. */
  delayLeft(subject: string): Promise<number>;
  /** Makes `subject` wait `ms` from now (a shorter delay than the one running does not shorten it). */
  delay(subject: string, ms: number): Promise<void>;
  /** Forgets `subject`'s delay and the counter `increment` keeps for (`subject`, `throttlerName`). */
  forget(subject: string, throttlerName: string): Promise<void>;
}

/** Injection token of the {@link EdgeThrottleStore} the edge uses. */
export const EDGE_THROTTLE_STORE = Symbol.for('edge.throttle-store');

/** Seconds, rounded up, as `Retry-After` and the throttler's records give them. */
export const toSeconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1_000));

/** What `ThrottlerStorage.increment` answers (the package does not export the type by name). */
export type ThrottleRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
