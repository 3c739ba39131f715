/** Calls made per clock reading: reading the clock on every call would cost ~5% of a fast one. */
const CALLS_PER_CHECK = 32;

/** Calls completed and the time they took. */
export interface Slice {
  calls: number;
  elapsedMs: number;
}

/**
 * Runs `call` from `concurrency` loops, each awaiting its previous call, for about `durationMs`,
 * and returns how many calls completed in how long.
 */
export async function measureSlice(
  call: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<Slice> {
  let calls = 0;
  const started = performance.now();
  const end = started + durationMs;
  const loop = async () => {
    for (;;) {
      for (let i = 0; i < CALLS_PER_CHECK; i++) await call();
      calls += CALLS_PER_CHECK;
      if (performance.now() >= end) return;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { calls, elapsedMs: performance.now() - started };
}

/** Completed calls per second of {@link measureSlice}. */
export async function throughput(
  call: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<number> {
  const { calls, elapsedMs } = await measureSlice(call, concurrency, durationMs);
  return calls / (elapsedMs / 1000);
}

/**
 * Measures several ways of making a call in turns of `sliceMs` until each has had `durationMs`,
 * so that a machine that slows down or speeds up meanwhile affects them all alike; a comparison
 * between them is then far steadier than between separate runs. Returns calls per second each.
 */
export async function interleaved(
  calls: Array<() => Promise<unknown>>,
  concurrency: number,
  durationMs: number,
  sliceMs = 200,
): Promise<number[]> {
  const totals = calls.map(() => ({ calls: 0, elapsedMs: 0 }));
  for (let spent = 0; spent < durationMs; spent += sliceMs) {
    for (const [index, call] of calls.entries()) {
      const slice = await measureSlice(call, concurrency, sliceMs);
      totals[index]!.calls += slice.calls;
      totals[index]!.elapsedMs += slice.elapsedMs;
    }
  }
  return totals.map((total) => total.calls / (total.elapsedMs / 1000));
}
