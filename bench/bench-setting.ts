/** What a setting may be: a whole number, and 0 too. */
export interface SettingRule {
  /** What the number is, for the error message ("rounds", "a cell's window in seconds"). */
  what: string;
  whole?: boolean;
  zero?: boolean;
}

/**
 * A number the benchmark reads from the environment: `fallback` when unset; anything but a finite
 * number above 0 (a whole one when `whole`; 0 too when `zero`) is refused with an error naming the
 * variable, so that a typo stops the run at once rather than measuring nothing (a NaN round count
 * runs no round).
 */
export function benchSetting(name: string, raw: string | undefined, fallback: number, rule: SettingRule): number {
  return raw === undefined ? fallback : parseSetting(name, raw, String(fallback), rule);
}

/**
 * A setting the benchmark only passes on when it is set (a library option whose default is the
 * library's): `undefined` when unset, refused as {@link benchSetting} says otherwise. `unset` tells
 * the error message what applies when the variable is left out.
 */
export function optionalBenchSetting(
  name: string,
  raw: string | undefined,
  rule: SettingRule & { unset: string },
): number | undefined {
  return raw === undefined ? undefined : parseSetting(name, raw, rule.unset, rule);
}

function parseSetting(name: string, raw: string, fallback: string, { what, whole = false, zero = false }: SettingRule) {
  // Number('') is 0: an empty setting is a mistake, not a zero.
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!((value > 0 || (zero && value === 0)) && Number.isFinite(value) && (!whole || Number.isInteger(value))))
    throw new Error(
      `${name}: ${what}, ${whole ? 'a whole number ' : ''}${zero ? '0 or more' : 'above 0'} (default ${fallback}), not "${raw}"`,
    );
  return value;
}

/**
 * BENCH_MAX_OTHER_LOAD (0.3): the cores other programs may keep busy before and while a benchmark
 * measures (bench:topology's cells, bench:startup's starts); above 0 — at 0 no machine is ever
 * quiet enough, and every measurement would wait its full minute and be taken again.
 */
export function maxOtherLoad(env: Record<string, string | undefined> = process.env): number {
  return benchSetting('BENCH_MAX_OTHER_LOAD', env.BENCH_MAX_OTHER_LOAD, 0.3, {
    what: 'cores other programs may keep busy while a benchmark measures',
  });
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
