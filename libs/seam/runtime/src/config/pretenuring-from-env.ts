import { setFlagsFromString } from 'node:v8';
import { onOffFlag } from './on-off-flag.js';

/** The variable that gives this process V8's allocation-site pretenuring back (`on`); off by default. */
export const PRETENURING_FLAG = 'SEAM_V8_PRETENURING';

/** A `SEAM_V8_PRETENURING` the process cannot use; it refuses to start with this message. */
export class PretenuringConfigError extends Error {
  override readonly name = 'PretenuringConfigError';
  /** The environment variable at fault. */
  readonly variable = PRETENURING_FLAG;
}

/** The V8 flag that turns allocation-site pretenuring off. */
export const NO_PRETENURING = '--no-allocation-site-pretenuring';

/**
 * Whether this process keeps V8's allocation-site pretenuring, from `SEAM_V8_PRETENURING`: `off`,
 * `0` or `false` (the default, also when unset or blank) or `on`, `1` or `true` (case-insensitive).
 *
 * @throws PretenuringConfigError naming `SEAM_V8_PRETENURING` for any other value.
 */
export function pretenuringFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return onOffFlag(env, PRETENURING_FLAG, false, (message) => new PretenuringConfigError(message));
}

/**
 * Turns V8's allocation-site pretenuring off for this process unless `SEAM_V8_PRETENURING` keeps it;
 * call it before the app is created (the earlier, the fewer decisions V8 has taken). Returns whether
 * pretenuring stays on.
 *
 * Why: V8 counts, per object literal in the code, how many of its objects survive a young-generation
 * collection, and once most do it allocates that literal's objects straight into the old generation.
 * A server's start-up (modules, metadata, migrations, the seed) and any burst that makes requests
 * wait run the same functions its requests use, with objects that live long: V8 then keeps putting a
 * request's short-lived objects in the old generation, which only a full collection frees. Measured
 * on the monolith serving 1,000 reads a second: the old generation grew ~4 MiB/s and a full
 * collection ran every ~6 s, each holding requests up to ~0.1 s (the p99); without pretenuring it
 * grew ~0.25 MiB/s, and the p99 of those reads went from 46 to 26 ms (docs/benchmarks.md, "Pretenuring").
 * The flag is process-wide and cannot be passed in NODE_OPTIONS, hence set from code here.
 *
 * `setFlags` is V8's own setter; tests pass a recorder (whether V8 pretenures an allocation depends
 * on when its collections run, which no test controls).
 *
 * @throws PretenuringConfigError for a `SEAM_V8_PRETENURING` that is neither on nor off.
 */
export function applyPretenuringSetting(
  env: NodeJS.ProcessEnv = process.env,
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  const keep = pretenuringFromEnv(env);
  if (!keep) setFlags(NO_PRETENURING);
  return keep;
}
