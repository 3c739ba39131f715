import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { preparePrivateSqliteFile } from './private-files.js';
import { quoteIdentifier } from './sql-identifier.js';

/**
 * Opens a module's DataSource: creates its SQLite directory or PostgreSQL schema if needed (TypeORM
 * creates neither), connects, and runs its pending migrations.
 */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  await prepareStorage(options);
  return new DataSource(options).initialize();
}

/**
 * Creates the SQLite directory (`0700`) and file (`0600`) or the PostgreSQL schema a module's
 * DataSource will use (see `preparePrivateSqliteFile`).
 */
export async function prepareStorage(options: DataSourceOptions): Promise<void> {
  if (options.type === 'better-sqlite3') {
    if (options.database !== ':memory:') preparePrivateSqliteFile(options.database);
    return;
  }
  if (options.type !== 'postgres' || !options.schema) return;
  const client = new Client({ connectionString: options.url });
  await client.connect();
  try {
    // Looked up first: a module's own role owns its schema but may not create schemas, and
    // PostgreSQL checks that right before IF NOT EXISTS.
    const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [options.schema]);
    if (rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
  } catch (error) {
    // Two processes creating the schema at once: the loser gets a unique violation; the schema exists.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await client.end();
  }
}
