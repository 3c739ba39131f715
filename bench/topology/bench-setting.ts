/**
 * A number the benchmark reads from the environment: `fallback` when unset; anything but a finite
 * number above 0 (a whole one when `whole`; 0 too when `zero`) is refused with an error naming the
 * variable, so that a typo stops the run at once rather than measuring nothing (a NaN round count
 * runs no round).
 */
export function benchSetting(
  name: string,
  raw: string | undefined,
  fallback: number,
  { what, whole = false, zero = false }: { what: string; whole?: boolean; zero?: boolean },
): number {
  // Number('') is 0: an empty setting is a mistake, not a zero.
  const value = raw === undefined ? fallback : raw.trim() === '' ? Number.NaN : Number(raw);
  if (!((value > 0 || (zero && value === 0)) && Number.isFinite(value) && (!whole || Number.isInteger(value))))
    throw new Error(
      `${name}: ${what}, ${whole ? 'a whole number ' : ''}${zero ? '0 or more' : 'above 0'} (default ${fallback}), not "${raw}"`,
    );
  return value;
}

/** How bench:topology and bench:adapters load each cell, and how many rounds they measure. */
export interface LoadSettings {
  connections: number;
  durationSeconds: number;
  warmUpSeconds: number;
  rounds: number;
}

/**
 * BENCH_CONNECTIONS (32), BENCH_DURATION_S (10), BENCH_WARMUP_S (2; 0 for none) and BENCH_ROUNDS
 * (3) read from `env`, each refused as {@link benchSetting} says.
 */
export function loadSettings(env: Record<string, string | undefined> = process.env): LoadSettings {
  return {
    connections: benchSetting('BENCH_CONNECTIONS', env.BENCH_CONNECTIONS, 32, {
      what: 'connections per cell',
      whole: true,
    }),
    durationSeconds: benchSetting('BENCH_DURATION_S', env.BENCH_DURATION_S, 10, {
      what: "a cell's measured window in seconds",
    }),
    warmUpSeconds: benchSetting('BENCH_WARMUP_S', env.BENCH_WARMUP_S, 2, {
      what: "a cell's warm-up in seconds",
      zero: true,
    }),
    rounds: benchSetting('BENCH_ROUNDS', env.BENCH_ROUNDS, 3, { what: 'rounds', whole: true }),
  };
}
