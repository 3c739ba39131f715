import { MigrationExecutor } from 'typeorm';
import { MIGRATIONS_TABLE } from '../data-source-options.js';
import { DataMoveError } from './data-move.error.js';
import { describeDataLocation } from './data-location.js';
import type { SqlSide, TableShape } from './sql-side.js';

/** Where a target records the moves it received (in the module's SQLite file or schema). */
export const DATA_MOVES_TABLE = 'seam_data_moves';

/** Tables that are not the module's data: the migration history, the move marker, TypeORM's own. */
const NOT_MODULE_DATA = new Set([MIGRATIONS_TABLE, DATA_MOVES_TABLE, 'typeorm_metadata']);

/** Names of the migrations a side's DataSource declares (the module's), as TypeORM records them. */
function declaredMigrations(side: SqlSide): string[] {
  return side.dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
}

async function executedMigrations(side: SqlSide): Promise<string[]> {
  const rows = await side.query(`SELECT name FROM ${side.qualified(MIGRATIONS_TABLE)}`);
  return rows.map(([name]) => String(name));
}

/**
 * The tables of the module in a source: every table but the migration history and the move
 * marker — entities' tables and any other table its migrations created. Checks first that the
 * source exists and has run exactly the module's migrations, so that it has the shape the target
 * will get.
 *
 * @throws DataMoveError `failed` naming what is missing or different.
 */
export async function sourceTables(side: SqlSide): Promise<TableShape[]> {
  const where = describeDataLocation(side.location);
  if (!(await side.storageExists())) throw new DataMoveError('failed', `no ${where}: nothing to move`);
  const names = await side.tableNames();
  if (!names.includes(MIGRATIONS_TABLE))
    throw new DataMoveError(
      'failed',
      `${where} has no ${MIGRATIONS_TABLE} table: it was never migrated, or is not this module's data`,
    );
  const executed = await executedMigrations(side);
  const declared = declaredMigrations(side);
  const unknown = executed.filter((name) => !declared.includes(name));
  if (unknown.length > 0)
    throw new DataMoveError(
      'failed',
      `${where} has run migrations this build does not know (${unknown.join(', ')}): move it with the build that wrote it`,
    );
  const pending = declared.filter((name) => !executed.includes(name));
  if (pending.length > 0)
    throw new DataMoveError(
      'failed',
      `${where} has pending migrations (${pending.join(', ')}): run npm run migrate against it first`,
    );
  const tables: TableShape[] = [];
  // One at a time: a side is one connection.
  for (const name of names.filter((table) => !NOT_MODULE_DATA.has(table))) tables.push(await side.describe(name));
  const missing = side.dataSource.entityMetadatas
    .map(({ tableName }) => tableName)
    .filter((table) => !names.includes(table));
  if (missing.length > 0)
    throw new DataMoveError('failed', `${where} lacks the tables of entities ${missing.join(', ')}`);
  return tables;
}

/**
 * Runs the module's pending migrations on the target, inside the transaction the caller opened
 * on `side` (TypeORM's own transaction is turned off), and returns the names of those it ran.
 */
export async function migrateTarget(side: SqlSide): Promise<string[]> {
  const executor = new MigrationExecutor(side.dataSource, side.queryRunner);
  executor.transaction = 'none';
  const ran = await executor.executePendingMigrations();
  const unknown = (await executedMigrations(side)).filter((name) => !declaredMigrations(side).includes(name));
  if (unknown.length > 0) {
    throw new DataMoveError(
      'failed',
      `${describeDataLocation(side.location)} has run migrations this build does not know (${unknown.join(', ')}): it is newer than the source`,
    );
  }
  return ran.map((migration) => migration.name);
}

/**
 * Checks that the migrated target has the source's tables and columns, and returns its shapes
 * in the source's order.
 *
 * @throws DataMoveError `failed` naming the first difference.
 */
export async function matchingTargetTables(side: SqlSide, source: readonly TableShape[]): Promise<TableShape[]> {
  const where = describeDataLocation(side.location);
  const names = (await side.tableNames()).filter((name) => !NOT_MODULE_DATA.has(name));
  const extra = names.filter((name) => !source.some((table) => table.name === name));
  const missing = source.filter((table) => !names.includes(table.name)).map((table) => table.name);
  if (extra.length > 0 || missing.length > 0) {
    const differences = [
      ...missing.map((name) => `${name} is missing`),
      ...extra.map((name) => `${name} is not in the source`),
    ];
    throw new DataMoveError(
      'failed',
      `${where} does not have the source's tables after migrating (${differences.join('; ')})`,
    );
  }
  const shapes: TableShape[] = [];
  for (const table of source) {
    const shape = await side.describe(table.name);
    const same =
      shape.columns.length === table.columns.length && table.columns.every((column) => shape.columns.includes(column));
    if (!same)
      throw new DataMoveError(
        'failed',
        `${where}: table ${table.name} has columns (${shape.columns.join(', ')}), the source (${table.columns.join(', ')})`,
      );
    // Insert in the source's column order: rows are read as arrays in that order.
    shapes.push({ ...shape, columns: table.columns });
  }
  return shapes;
}
