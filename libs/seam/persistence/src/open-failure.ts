import type { DataSourceOptions } from 'typeorm';
import { MigrationFailedError } from './migration-failure.js';

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
 * SQLite's word for a table created under a process that found it missing a moment before: two
 * replicas opening one file at once both create TypeORM's `migrations` table, or both run the same
 * migration, and the later one fails so. PostgreSQL migrates under an advisory lock (see
 * `runMigrations`); SQLite has no such lock, and a second try finds the migrations committed.
 */
const SQLITE_MIGRATION_RACE = /^SQLITE_ERROR$/;
const ALREADY_EXISTS = /\balready exists\b/;

/**
 * Whether trying again in a moment may succeed: the server is down, starting or out of
 * connections, or (SQLite) another process was migrating the same file. A refused password, a
 * missing database or role, a data directory that cannot be written: no — those fail the start at
 * once. (A migration that fails on its own fails every try, with the same message.)
 */
export function mayPass(error: unknown, options?: DataSourceOptions): boolean {
  // A migration's failure is judged by the driver's error it carries ("Connection terminated"…).
  if (error instanceof MigrationFailedError) return mayPass(error.cause, options);
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || POSTGRES_PASSING.has(code))) return true;
  if (typeof message !== 'string') return false;
  if (options?.type === 'better-sqlite3' && typeof code === 'string' && SQLITE_MIGRATION_RACE.test(code))
    return ALREADY_EXISTS.test(message);
  return PASSING_MESSAGES.some((words) => words.test(message));
}

/**
 * The error a failed open of `module`'s database becomes: one line naming the module, where its
 * data is (`where`, without credentials), the driver's reason — after the name of the migration
 * that failed, if one did — and the remedy for a known cause.
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
