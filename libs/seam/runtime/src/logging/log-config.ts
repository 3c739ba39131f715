import { isProduction, NodeEnvironmentError } from '@seam/persistence';

/** The levels `LOG_LEVEL` accepts, most to least severe (pino's names; `silent` logs nothing). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The shapes `LOG_FORMAT` accepts: one JSON object per line, or human-readable lines. */
export const LOG_FORMATS = ['json', 'pretty'] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** How a process logs. */
export interface LogConfig {
  readonly format: LogFormat;
  readonly level: LogLevel;
}

/** A `LOG_LEVEL` or `LOG_FORMAT` the process cannot use; it refuses to start with this message. */
export class LogConfigError extends Error {
  override readonly name = 'LogConfigError';
}

/**
 * Reads `LOG_FORMAT` and `LOG_LEVEL`. The format defaults to `json` when `NODE_ENV=production`
 * (log collectors parse it) and to `pretty` otherwise (a developer reads it); the level to
 * `info`. Values are case-insensitive; an empty value counts as unset.
 *
 * @throws LogConfigError for a value outside {@link LOG_FORMATS} or {@link LOG_LEVELS}, or a
 * `NODE_ENV` that is none of production, development or test (see `nodeEnvironment`), naming the
 * variable. Every process reads this first, so that is where a bad `NODE_ENV` stops it.
 */
export function logConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LogConfig {
  const fallbackFormat: LogFormat = productionFrom(env) ? 'json' : 'pretty';
  return {
    format: oneOf('LOG_FORMAT', env.LOG_FORMAT, LOG_FORMATS, fallbackFormat),
    level: oneOf('LOG_LEVEL', env.LOG_LEVEL, LOG_LEVELS, 'info'),
  };
}

function productionFrom(env: NodeJS.ProcessEnv): boolean {
  try {
    return isProduction(env);
  } catch (error) {
    if (error instanceof NodeEnvironmentError) throw new LogConfigError(error.message);
    throw error;
  }
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  const value = raw?.trim().toLowerCase();
  if (!value) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  // Bounded and JSON-quoted: the value is echoed into a log line.
  throw new LogConfigError(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(raw!.slice(0, 40))}`);
}
