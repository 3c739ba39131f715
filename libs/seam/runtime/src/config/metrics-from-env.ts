/** The variable that turns this process's metrics off (`off`) or on (the default). */
export const METRICS_FLAG = 'SEAM_METRICS';

/** A `SEAM_METRICS` the process cannot use; it refuses to start with this message. */
export class MetricsConfigError extends Error {
  override readonly name = 'MetricsConfigError';
  /** The environment variable at fault. */
  readonly variable = METRICS_FLAG;
}

const ON = new Set(['on', '1', 'true']);
const OFF = new Set(['off', '0', 'false']);

/**
 * Whether this process records metrics, from `SEAM_METRICS`: `on`, `1` or `true` (the default,
 * also when unset or blank) or `off`, `0` or `false` (case-insensitive). Off: no seam meters are
 * installed, HTTP requests are not counted, prom-client's default collectors are not started, and
 * no `/metrics` route is served (a scrape gets 404).
 *
 * @throws MetricsConfigError naming `SEAM_METRICS` for any other value.
 */
export function metricsFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[METRICS_FLAG];
  const value = raw?.trim().toLowerCase();
  if (!value || ON.has(value)) return true;
  if (OFF.has(value)) return false;
  // Bounded and JSON-quoted: the message is written to a log line.
  throw new MetricsConfigError(
    `${METRICS_FLAG} must be on or off (1 or 0, true or false); got ${JSON.stringify(raw!.slice(0, 20))}`,
  );
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
