import { onOffFlag } from './on-off-flag.js';

/** The variable that turns this process's metrics off (`off`) or on (the default). */
export const METRICS_FLAG = 'SEAM_METRICS';

/**
 * A `SEAM_METRICS` the process cannot use, or a metric name of Seam's that something else already
 * registered with prom-client's registry; the process refuses to start with this message.
 */
export class MetricsConfigError extends Error {
  override readonly name = 'MetricsConfigError';
  /** The environment variable at fault. */
  readonly variable = METRICS_FLAG;
}

/**
 * Whether this process records metrics, from `SEAM_METRICS`: `on`, `1` or `true` (the default,
 * also when unset or blank) or `off`, `0` or `false` (case-insensitive). Off: no seam meters are
 * installed, HTTP requests are not counted, prom-client's default collectors are not started, and
 * no `/metrics` route is served (a scrape gets 404).
 *
 * @throws MetricsConfigError naming `SEAM_METRICS` for any other value.
 */
export function metricsFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return onOffFlag(env, METRICS_FLAG, true, (message) => new MetricsConfigError(message));
}

/**
 * The decision taken while `@seam/runtime` loads (meters and collectors are installed then): a bad
 * value counts as on here, and is refused when the process builds its app (`SeamHealthModule`).
 */
export function metricsOnAtLoad(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    return metricsFromEnv(env);
  } catch {
    return true;
  }
}
