import type { Client } from 'pg';
import { DataSource, type DataSourceOptions, type Migration, MigrationExecutor, type QueryRunner } from 'typeorm';
import { DatabaseConfigError } from './database-config.error.js';
import { migrationFailure, nameFailingMigrations } from './migration-failure.js';
import { watchPostgresQueries } from './named-statements.js';
import { preparePrivateSqliteFile } from './private-files.js';
import { quoteIdentifier } from './sql-identifier.js';

/**
 * Opens a module's DataSource: creates its SQLite directory or PostgreSQL schema if needed (TypeORM
 * creates neither), connects, and runs its pending migrations. On PostgreSQL the migrations run
 * under an advisory lock per schema, so that replicas starting at once migrate one after the other.
 *
 * @throws MigrationFailedError naming the migration that failed (the DataSource is closed).
 */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  await prepareStorage(options);
  // Migrations run here, not in initialize: on PostgreSQL under a lock (TypeORM takes none of its
  // own: N replicas starting together on a fresh database each ran the same migrations, and all but
  // one crashed on a duplicate table; the others now wait, then find nothing left to run), and on
  // either database with a failure that names its migration (see runMigrations).
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  if (options.type === 'postgres') watchPostgresQueries(dataSource);
  if (!options.migrationsRun) return dataSource;
  try {
    await runMigrations(dataSource);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return dataSource;
}

/**
 * Runs a module's pending migrations and answers those it ran. On PostgreSQL it first takes an
 * advisory lock named after the module's schema (waiting while another process — a replica
 * starting, `npm run migrate` — holds it), so that two processes never run the same migration.
 *
 * @throws MigrationFailedError naming the migration whose `up` failed, the driver's error as its cause.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  nameFailingMigrations(dataSource);
  try {
    return await runPendingMigrations(dataSource);
  } catch (error) {
    throw migrationFailure(error);
  }
}

async function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  const options = dataSource.options;
  if (options.type !== 'postgres') return dataSource.runMigrations({ transaction: options.migrationsTransactionMode });
  return withMigrationLock(dataSource, options.schema ?? 'public', (runner) => {
    // On the connection that holds the lock: with a pool of one (DATABASE_POOL_SIZE=1), migrations
    // waiting for a second connection would wait for ever.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = options.migrationsTransactionMode ?? 'all';
    return executor.executePendingMigrations();
  });
}

/**
 * Runs `work` on a connection of its own, holding a session advisory lock named after `schema` on
 * it: released when `work` ends, or by PostgreSQL when the process dies while holding it.
 */
async function withMigrationLock<T>(
  dataSource: DataSource,
  schema: string,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const key = `seam.migrate:${schema}`;
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await work(runner);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Creates the SQLite directory (`0700`) and file (`0600`) or the PostgreSQL schema a module's
 * DataSource will use (see `preparePrivateSqliteFile`). An existing schema is used as it is.
 *
 * @throws DatabaseConfigError when the PostgreSQL role may neither use the schema nor create it
 *   (a module role that was not provisioned).
 */
export async function prepareStorage(options: DataSourceOptions): Promise<void> {
  if (options.type === 'better-sqlite3') {
    if (options.database !== ':memory:') preparePrivateSqliteFile(options.database);
    return;
  }
  if (options.type !== 'postgres' || !options.schema) return;
  // Imported here, not at the top: a process on SQLite never loads the driver (bench:startup).
  const { Client } = await import('pg');
  const client = new Client({ connectionString: options.url });
  await client.connect();
  try {
    // Looked up first: a module's own role owns its schema but may not create schemas, and
    // PostgreSQL checks that right before IF NOT EXISTS.
    const { rows } = await client.query<{ usable: boolean; role: string }>(
      `SELECT has_schema_privilege(oid, 'USAGE') AND has_schema_privilege(oid, 'CREATE') AS usable, current_user AS role
         FROM pg_namespace WHERE nspname = $1`,
      [options.schema],
    );
    if (rows.length === 0) await createSchema(client, options.schema);
    else if (!rows[0].usable) throw notProvisioned(rows[0].role, options.schema, 'may not use');
  } finally {
    await client.end();
  }
}

async function createSchema(client: Client, schema: string): Promise<void> {
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  } catch (error) {
    const { code } = error as { code?: string };
    // Two processes creating the schema at once: the loser gets a unique violation; the schema exists.
    if (code === '23505') return;
    if (code === '42501') {
      const { rows } = await client.query<{ role: string }>('SELECT current_user AS role');
      throw notProvisioned(rows[0].role, schema, 'may not create');
    }
    throw error;
  }
}

/** A module role without its schema: provisioning has not run (or ran for another role). */
function notProvisioned(role: string, schema: string, what: string): DatabaseConfigError {
  return new DatabaseConfigError(
    `role ${role} ${what} schema ${schema}: give the module its own role first (npm run migrate with DATABASE_ADMIN_URL and DATABASE_URL_${schema.toUpperCase()})`,
    `DATABASE_URL_${schema.toUpperCase()}`,
  );
}
