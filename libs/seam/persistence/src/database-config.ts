import { isAbsolute, resolve } from 'node:path';
import { DatabaseConfigError } from './database-config.error.js';
import { isProduction, NodeEnvironmentError } from './node-environment.js';

/** Where every module's data lives in this process. */
export type DatabaseConfig =
  /** One SQLite file per module under `dataDir` (the embedded default). */
  | {
      kind: 'sqlite';
      dataDir: string;
      /** When a commit reaches the disk (`SQLITE_SYNCHRONOUS`, default {@link DEFAULT_SQLITE_SYNCHRONOUS}). */
      synchronous?: SqliteSynchronous;
    }
  /**
   * One schema per module in PostgreSQL. `moduleUrls` (keyed by schema, see {@link schemaOf}) gives
   * a module its own connection, as its own role; a module without one uses `url`, the shared one.
   */
  | {
      kind: 'postgres';
      url?: string;
      moduleUrls?: Readonly<Record<string, string>>;
      /** Connections each module's pool may open (`DATABASE_POOL_SIZE`, default {@link DEFAULT_POOL_SIZE}). */
      poolSize?: number;
      /**
       * `false` with `DATABASE_PREPARED_STATEMENTS=off`: no named (server-side prepared) statements —
       * for a connection pooler that does not keep them, such as PgBouncer in transaction mode before
       * 1.21. Named by default (see `namedStatement`).
       */
      preparedStatements?: false;
    }
  /** One private in-memory SQLite database per module (tests). */
  | { kind: 'memory' };

/**
 * SQLite's `synchronous` setting for the module files, which run in WAL mode:
 * - `normal`: a commit is written to the write-ahead log, which is synced to the disk at checkpoints.
 *   It survives the process being killed (kill -9, a crash): the log is in the operating system's
 *   hands. After an operating-system crash or a power loss, the last commits before it may be
 *   rolled back, each file on its own; no file is ever left corrupt.
 * - `full`: the log is also synced at every commit, so a commit survives a power loss too, at the
 *   price of a disk sync per transaction (an order takes about fourteen).
 */
export type SqliteSynchronous = 'normal' | 'full';

/**
 * Outside production: `normal`, what SQLite recommends for WAL mode and what the better-sqlite3
 * driver compiles in (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1) — set explicitly, so that the guarantee is
 * ours, not a build option's. With `NODE_ENV=production` the config asks for `full` unless
 * `SQLITE_SYNCHRONOUS` says otherwise. Measured on this project's machine (2026-12-06): a commit
 * 56 µs with `normal`, 289 µs with `full`.
 */
export const DEFAULT_SQLITE_SYNCHRONOUS: SqliteSynchronous = 'normal';

/**
 * Connections per module's pool by default. A process opens up to this many per module it hosts,
 * so replicas × modules × pool size must stay below the server's `max_connections` (100 by default):
 * two monolith replicas of five modules at 10 would already take every connection.
 */
export const DEFAULT_POOL_SIZE = 10;
const MAX_POOL_SIZE = 100;

/**
 * How long a query may wait for a connection of its module's pool — every connection busy, or a new
 * one not yet accepted by the server — before it fails with node-postgres's "timeout exceeded when
 * trying to connect", which reaches the caller as `UNAVAILABLE` (reason `database-unavailable`,
 * retryable). The default deadline of a call: a caller has given up by then. Without a bound, waiters
 * queued behind a full pool (a slow query, a lock held elsewhere) or a server that accepts TCP but
 * never answers waited for as long as that lasted, and the pool then ran the work of callers long gone.
 */
export const DEFAULT_POOL_WAIT_MS = 5_000;

/** Prefix of the per-module URL variables: `DATABASE_URL_PAYMENTS`, `DATABASE_URL_ORDER_HISTORY`. */
export const MODULE_URL_PREFIX = 'DATABASE_URL_';

/**
 * Reads the database configuration from the environment. PostgreSQL when `DATABASE_URL` or any
 * `DATABASE_URL_<MODULE>` is set (each a `postgres://` URL; empty counts as unset):
 * `DATABASE_URL_<MODULE>` connects that module as its own role (production), `DATABASE_URL` is the
 * one connection of every other module (development: one role can read every schema);
 * `DATABASE_POOL_SIZE` and `DATABASE_PREPARED_STATEMENTS` (`on` or `off`) apply to each. Otherwise
 * SQLite files under `DATA_DIR` (default `./data`), synced as `SQLITE_SYNCHRONOUS` says (`normal` or
 * `full`; unset: `full` with `NODE_ENV=production`, else {@link DEFAULT_SQLITE_SYNCHRONOUS}).
 *
 * @throws DatabaseConfigError naming the variable (never its value) when a value cannot work,
 * whatever the database: a PostgreSQL setting is checked on SQLite too, and `SQLITE_SYNCHRONOUS` and
 * `NODE_ENV` (see `nodeEnvironment`) on PostgreSQL.
 */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const production = productionFrom(env);
  // Every setting is read whatever the database, so that a bad value stops the start on SQLite too
  // (a pool size of 0 there would otherwise lie in wait for the move to PostgreSQL).
  const poolSize = poolSizeFrom(env.DATABASE_POOL_SIZE);
  const preparedStatements = preparedStatementsFrom(env.DATABASE_PREPARED_STATEMENTS);
  const sqliteSynchronous = sqliteSynchronousFrom(env.SQLITE_SYNCHRONOUS);
  const url = env.DATABASE_URL?.trim();
  const moduleUrls: Record<string, string> = {};
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(MODULE_URL_PREFIX) || !value?.trim()) continue;
    const suffix = variable.slice(MODULE_URL_PREFIX.length);
    if (!/^[A-Z][A-Z0-9_]{0,62}$/.test(suffix)) {
      throw new DatabaseConfigError(
        `${variable} does not name a module (expected ${MODULE_URL_PREFIX}<MODULE>, e.g. ${MODULE_URL_PREFIX}PAYMENTS)`,
        variable,
      );
    }
    moduleUrls[suffix.toLowerCase()] = checkPostgresUrl(value.trim(), variable);
  }
  if (url || Object.keys(moduleUrls).length > 0) {
    return {
      kind: 'postgres',
      ...(url ? { url: checkPostgresUrl(url, 'DATABASE_URL') } : {}),
      ...(Object.keys(moduleUrls).length > 0 ? { moduleUrls: Object.freeze(moduleUrls) } : {}),
      poolSize,
      ...(preparedStatements ? {} : { preparedStatements: false as const }),
    };
  }
  const dataDir = env.DATA_DIR?.trim() || 'data';
  // In production a commit is synced unless the deployment says otherwise (a secure default).
  const synchronous = sqliteSynchronous ?? (production ? 'full' : undefined);
  return {
    kind: 'sqlite',
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    ...(synchronous ? { synchronous } : {}),
  };
}

/** The PostgreSQL schema of a module: its name, with `-` as `_`. */
export function schemaOf(module: string): string {
  return module.replace(/-/g, '_');
}

/** The variable that gives `module` its own connection: `DATABASE_URL_ORDER_HISTORY` for `order-history`. */
export function moduleUrlVariable(module: string): string {
  return `${MODULE_URL_PREFIX}${schemaOf(module).toUpperCase()}`;
}

/**
 * The URL `module` connects with under a PostgreSQL config: its own (`DATABASE_URL_<MODULE>`),
 * else the shared `DATABASE_URL`.
 *
 * @throws DatabaseConfigError naming both variables when neither is set.
 */
export function moduleDatabaseUrl(config: Extract<DatabaseConfig, { kind: 'postgres' }>, module: string): string {
  const url = config.moduleUrls?.[schemaOf(module)] ?? config.url;
  if (!url) {
    const variable = moduleUrlVariable(module);
    throw new DatabaseConfigError(`module ${module} has no database: set ${variable} (or DATABASE_URL)`, variable);
  }
  return url;
}

/**
 * Which modules of `modules` the config gives their own connection, and which per-module URLs
 * name no module of them (a typo such as `DATABASE_URL_PAYMENT` would otherwise go unnoticed).
 */
export function moduleUrlCoverage(
  config: DatabaseConfig,
  modules: readonly string[],
): { own: string[]; shared: string[]; unknownVariables: string[] } {
  if (config.kind !== 'postgres') return { own: [], shared: [], unknownVariables: [] };
  const urls = config.moduleUrls ?? {};
  const schemas = new Set(modules.map(schemaOf));
  return {
    own: modules.filter((module) => urls[schemaOf(module)] !== undefined),
    shared: modules.filter((module) => urls[schemaOf(module)] === undefined),
    unknownVariables: Object.keys(urls)
      .filter((schema) => !schemas.has(schema))
      .map((schema) => `${MODULE_URL_PREFIX}${schema.toUpperCase()}`),
  };
}

function checkPostgresUrl(url: string, variable: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseConfigError(
      `${variable} is not a URL (expected postgres://user:password@host:5432/database)`,
      variable,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DatabaseConfigError(`${variable} must be a postgres:// URL, got ${parsed.protocol}//…`, variable);
  }
  return url;
}

function productionFrom(env: NodeJS.ProcessEnv): boolean {
  try {
    return isProduction(env);
  } catch (error) {
    // As DatabaseConfigError, the error migrate, data:move and dead-letters report as a setting.
    if (error instanceof NodeEnvironmentError) throw new DatabaseConfigError(error.message, error.variable);
    throw error;
  }
}

function sqliteSynchronousFrom(value: string | undefined): SqliteSynchronous | undefined {
  const setting = value?.trim().toLowerCase();
  if (!setting) return undefined;
  if (setting === 'normal' || setting === 'full') return setting;
  throw new DatabaseConfigError(
    'SQLITE_SYNCHRONOUS must be normal (the default: a commit survives a crash of the process) or full (it survives a power loss too)',
    'SQLITE_SYNCHRONOUS',
  );
}

function preparedStatementsFrom(value: string | undefined): boolean {
  const setting = value?.trim().toLowerCase();
  if (!setting || setting === 'on') return true;
  if (setting === 'off') return false;
  throw new DatabaseConfigError(
    'DATABASE_PREPARED_STATEMENTS must be on (the default: fixed statements are prepared once per connection) or off (for a pooler that does not keep them)',
    'DATABASE_PREPARED_STATEMENTS',
  );
}

function poolSizeFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_POOL_SIZE;
  const size = Number(value.trim());
  if (!Number.isInteger(size) || size < 1 || size > MAX_POOL_SIZE)
    throw new DatabaseConfigError(
      `DATABASE_POOL_SIZE must be a whole number from 1 to ${MAX_POOL_SIZE} (connections per module)`,
      'DATABASE_POOL_SIZE',
    );
  return size;
}
