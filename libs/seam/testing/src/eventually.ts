/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /** Give up after this long (default 5,000 ms). */
  timeoutMs?: number;
  /** Wait between attempts (default 20 ms). */
  intervalMs?: number;
}

/**
 * Polls `probe` until it stops throwing (assertions included) and returns its result; rethrows
 * its last error when `timeoutMs` passes. Use it for asynchronous outcomes instead of a fixed sleep.
 */
export async function eventually<T>(probe: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 20;
  const giveUpAt = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (performance.now() >= giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
