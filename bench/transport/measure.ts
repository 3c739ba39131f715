/** Calls made per clock reading: reading the clock on every call would cost ~5% of a fast one. */
const CALLS_PER_CHECK = 32;

/**
 * Runs `call` from `concurrency` loops, each awaiting its previous call, for `durationMs`, and
 * returns completed calls per second.
 */
export async function throughput(call: () => Promise<unknown>, concurrency: number, durationMs: number): Promise<number> {
  let completed = 0;
  const started = performance.now();
  const end = started + durationMs;
  const loop = async () => {
    for (;;) {
      for (let i = 0; i < CALLS_PER_CHECK; i++) await call();
      completed += CALLS_PER_CHECK;
      if (performance.now() >= end) return;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return completed / ((performance.now() - started) / 1000);
}
