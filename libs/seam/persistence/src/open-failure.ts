import type { DataSourceOptions } from 'typeorm';

/**
 * A module's database that could not be opened at start-up: where it is (never a password), the
 * driver's reason, and what to do where the cause is known. `cause` keeps the driver's error.
 */
export class DataSourceOpenError extends Error {
  override readonly name = 'DataSourceOpenError';
  constructor(
    message: string,
    /** The driver's code (`ECONNREFUSED`, `28P01`, `3D000`, `ENOTDIR`…), when it gave one. */
    readonly code: string | undefined,
    options: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Socket failures of a server that may be starting, restarting or briefly unreachable. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** PostgreSQL: the server is starting or shutting down (57P03, 57P01), or out of connections (53300). */
const POSTGRES_PASSING = new Set(['57P03', '57P01', '53300']);
/** node-postgres's own words for a connection that was lost or never answered. */
const PASSING_MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect/];

/**
 * Whether trying again in a moment may succeed: the server is down, starting or out of
 * connections. A refused password, a missing database or role, a data directory that cannot be
 * written, a migration that fails: no — those fail the start at once.
 */
export function mayPass(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || POSTGRES_PASSING.has(code))) return true;
  return typeof message === 'string' && PASSING_MESSAGES.some((words) => words.test(message));
}

/**
 * The error a failed open of `module`'s database becomes: one line naming the module, where its
 * data is (`where`, without credentials), the driver's reason, and the remedy for a known cause.
 * The URL's password is masked should the driver have echoed it.
 */
export function openFailure(
  module: string,
  where: string,
  options: DataSourceOptions,
  error: unknown,
): DataSourceOpenError {
  const { code } = (error ?? {}) as { code?: unknown };
  const known = typeof code === 'string' ? code : undefined;
  const reason = masked(error instanceof Error ? error.message : String(error), options);
  const advice = known && adviceFor(known, module, options);
  return new DataSourceOpenError(
    `the database of ${module} (${where}) could not be opened: ${reason}${advice ? ` — ${advice}` : ''}`,
    known,
    { cause: error },
  );
}

function adviceFor(code: string, module: string, options: DataSourceOptions): string | undefined {
  const url = `DATABASE_URL (or DATABASE_URL_${module.toUpperCase().replaceAll('-', '_')})`;
  if (options.type === 'postgres') {
    if (code === 'ECONNREFUSED') return `is PostgreSQL running there? Start it, or fix the host and port in ${url}`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name does not resolve: fix it in ${url}`;
    if (code === '28P01') return `the password was refused: fix it in ${url}`;
    if (code === '28000') return `the role may not connect: fix the user in ${url}, or let it in (pg_hba.conf)`;
    if (code === '3D000') return `create the database (createdb), or fix its name in ${url}`;
    if (code === '57P03') return 'PostgreSQL is still starting: it will be tried again at the next start';
    if (code === '53300') return 'PostgreSQL has no connection left: lower DATABASE_POOL_SIZE or raise max_connections';
    return undefined;
  }
  if (['ENOTDIR', 'ENOENT', 'EACCES', 'EPERM', 'EROFS'].includes(code))
    return 'set DATA_DIR to a directory this process may create and write';
  return undefined;
}

function masked(text: string, options: DataSourceOptions): string {
  if (options.type !== 'postgres' || !options.url) return text;
  try {
    const password = decodeURIComponent(new URL(options.url).password);
    return password ? text.replaceAll(password, '***') : text;
  } catch {
    return text;
  }
}
