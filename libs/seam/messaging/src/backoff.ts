/** How long a relay waits before the next attempt of an event. */
export interface BackoffOptions {
  /** Delay after the first failure, in ms. */
  baseMs: number;
  /** The longest delay, in ms. */
  maxMs: number;
}

/**
 * Exponential backoff with jitter: after attempt `n`, a delay between half and all of
 * `min(maxMs, baseMs · 2^(n-1))` — growing, yet spread so that events failing together do not
 * retry together. `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
