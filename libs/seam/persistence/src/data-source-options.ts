import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import {
  type DatabaseConfig,
  DEFAULT_POOL_SIZE,
  DEFAULT_POOL_WAIT_MS,
  DEFAULT_SQLITE_SYNCHRONOUS,
  moduleDatabaseUrl,
  schemaOf,
} from './database-config.js';
import type { ModuleData } from './module-data.js';

/** Name of each module's migrations table (in its own SQLite file or PostgreSQL schema). */
export const MIGRATIONS_TABLE = 'migrations';

/**
 * Pages of write-ahead log (4 KiB each: 16 MiB) after which a commit copies the log back into a
 * module's SQLite file and syncs both — SQLite's own default is 1,000. A checkpoint writes each page
 * changed since the last one once, however often it changed, and syncs the disk: an order changes
 * the same few pages of its modules' outbox, inbox and index tables again and again, so checkpoints
 * four times rarer cost the monolith 13% less CPU per order placed (paired runs on SQLite files,
 * 2026-12-07, docs/benchmarks.md), and the read no more. The price: up to 16 MiB of log per module
 * file on disk, and a checkpoint, when it comes, writes up to four times as much at once — at worst
 * every page distinct: 38 ms for 3,000 pages against 19 ms for 1,000, measured on the same machine
 * (the commit that triggers it waits that long; four times as rarely).
 */
export const SQLITE_WAL_AUTOCHECKPOINT_PAGES = 4_000;

/**
 * The TypeORM options of one module's own DataSource. Migrations run when it is initialised;
 * `synchronize` is never on. SQLite files run in WAL mode with a busy timeout, so that the
 * migration command and a running app can share them, with the config's `synchronous` setting
 * (see {@link SqliteSynchronous}) and a checkpoint every {@link SQLITE_WAL_AUTOCHECKPOINT_PAGES}
 * pages. On PostgreSQL a query waits at most {@link DEFAULT_POOL_WAIT_MS} for a pooled connection;
 * the module connects with its own URL (`DATABASE_URL_<MODULE>`, as its own role) when the config
 * has one, else the shared one.
 *
 * @throws DatabaseConfigError when a PostgreSQL config has no URL for the module.
 */
export function dataSourceOptions(data: ModuleData, config: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: data.entities,
    migrations: data.migrations,
    migrationsRun: true,
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    logging: false,
  } as const;
  if (config.kind === 'postgres') {
    const schema = schemaOf(data.module);
    // Unqualified names in migrations and queries resolve to the module's schema only.
    return {
      ...common,
      type: 'postgres',
      url: moduleDatabaseUrl(config, data.module),
      schema,
      extra: {
        options: `-c search_path=${schema}`,
        max: config.poolSize ?? DEFAULT_POOL_SIZE,
        // Bounds both the wait for a busy pool and a connect the server never answers (see the constant).
        connectionTimeoutMillis: DEFAULT_POOL_WAIT_MS,
        // Read by namedStatement (node-postgres ignores a setting it does not know).
        ...(config.preparedStatements === false ? { seamNamedStatements: false } : {}),
      },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.kind === 'memory' ? ':memory:' : join(config.dataDir, `${data.module}.sqlite`),
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      if (config.kind === 'sqlite') {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${config.synchronous ?? DEFAULT_SQLITE_SYNCHRONOUS}`);
        db.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`);
      }
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}
