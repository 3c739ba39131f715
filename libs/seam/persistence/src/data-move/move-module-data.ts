import { randomUUID } from 'node:crypto';
import type { ModuleData } from '../module-data.js';
import { DataMoveError } from './data-move.error.js';
import {
  type DataMoveReport,
  describeTableRows,
  type RecordedMove,
  type TableMoveCount,
  type TableRows,
} from './data-move.report.js';
import { type DataLocation, describeDataLocation, sameDataLocation, scrubSecrets } from './data-location.js';
import { DATA_MOVES_TABLE, matchingTargetTables, migrateTarget, sourceTables } from './module-tables.js';
import { openPostgresSide } from './postgres-side.js';
import type { SqlSide, TableShape } from './sql-side.js';
import { openSqliteSide } from './sqlite-side.js';
import { insertionOrder } from './table-order.js';

/** Options of {@link moveModuleData}. */
export interface MoveModuleDataOptions {
  /** The module's data: its entities and migrations (`defineModuleData`). */
  data: ModuleData;
  from: DataLocation;
  to: DataLocation;
  /** Move into a target that holds rows or an earlier move: its rows are deleted first, in the same transaction. */
  force?: boolean;
  /** Rows read and written at a time (default 500). */
  batchSize?: number;
}

/**
 * Copies one module's data from one database to another and verifies it. Asynchronous; throws
 * only {@link DataMoveError}.
 *
 * 1. Refuses (`usage`) a source and target that are one database, by location and, once
 *    connected, by identity (file inode; server start time, database and schema).
 * 2. Opens both with the module's own entities and migrations. The source must exist and have
 *    run exactly the module's migrations; it is only read, inside one snapshot.
 * 3. In ONE target transaction: creates the schema if needed, runs the module's migrations,
 *    checks the target now has the source's tables and columns, refuses (`refused`) if it holds
 *    rows or a recorded move unless `force` (which deletes its rows), copies every table in
 *    batches (referenced tables first, values exact), moves PostgreSQL sequences past the copied
 *    keys, verifies every table's count against the source's, and records the move in
 *    `seam_data_moves`. Any failure rolls all of it back; a SQLite target file the move created is
 *    removed again. Nothing is ever written to the source.
 */
export async function moveModuleData(options: MoveModuleDataOptions): Promise<DataMoveReport> {
  const { data, from, to } = options;
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new DataMoveError('usage', `batch size must be a positive integer, got ${batchSize}`);
  if (sameDataLocation(from, to))
    throw new DataMoveError('usage', `${data.module}: source and target are the same (${describeDataLocation(from)})`);
  let source: SqlSide | undefined;
  let target: SqlSide | undefined;
  let failed = true;
  try {
    source = await openSide(from, data, 'source');
    target = await openSide(to, data, 'target');
    if (source.identity === target.identity) {
      throw new DataMoveError(
        'usage',
        `${data.module}: source and target are the same database (${describeDataLocation(from)} is ${describeDataLocation(to)})`,
      );
    }
    const report = await move(data.module, source, target, options.force ?? false, batchSize);
    failed = false;
    return report;
  } catch (error) {
    // A driver's error (a constraint, a lost connection) is named after the module it stopped.
    const message =
      error instanceof DataMoveError
        ? error.message
        : `${data.module}: the move failed: ${error instanceof Error ? error.message : String(error)}`;
    throw new DataMoveError(error instanceof DataMoveError ? error.kind : 'failed', scrubSecrets(message, [from, to]));
  } finally {
    await target?.close(failed).catch(() => undefined);
    await source?.close(false).catch(() => undefined);
  }
}

function openSide(location: DataLocation, data: ModuleData, role: 'source' | 'target'): Promise<SqlSide> {
  return location.kind === 'sqlite' ? openSqliteSide(location, data, role) : openPostgresSide(location, data);
}

async function move(
  module: string,
  source: SqlSide,
  target: SqlSide,
  force: boolean,
  batchSize: number,
): Promise<DataMoveReport> {
  await source.beginSnapshot();
  try {
    const shapes = await sourceTables(source);
    const order = insertionOrder(shapes);
    const byName = new Map(shapes.map((shape) => [shape.name, shape]));
    const sourceCounts = new Map<string, number>();
    for (const table of order) sourceCounts.set(table, await source.count(table));
    try {
      await target.beginExclusive();
      const report = await copyInto(module, source, target, {
        shapes: order.map((table) => byName.get(table)!),
        sourceCounts,
        force,
        batchSize,
      });
      await source.rollback();
      await checkSourceUnchanged(module, source, sourceCounts);
      await target.commit();
      return report;
    } catch (error) {
      await target.rollback().catch(() => undefined);
      throw error;
    }
  } finally {
    await source.rollback().catch(() => undefined);
  }
}

/**
 * The copy is of the source's snapshot: rows a module still running wrote since are not in it, and
 * the counts of the copy agree with the snapshot all the same. Counted again outside the snapshot
 * just before the target commits, a table whose count moved means a writer was at work (inserted or
 * deleted rows; an update alone changes no count), and nothing is committed.
 */
async function checkSourceUnchanged(
  module: string,
  source: SqlSide,
  snapshotCounts: ReadonlyMap<string, number>,
): Promise<void> {
  const changed: string[] = [];
  for (const [table, rows] of snapshotCounts) {
    const now = await source.count(table);
    if (now !== rows) changed.push(`${table}: ${rows} → ${now} rows`);
  }
  if (changed.length > 0)
    throw new DataMoveError(
      'failed',
      `${module}: the source changed during the move (${changed.join(', ')}); nothing was committed: stop whatever writes the module's data, then move again`,
    );
}

interface CopyPlan {
  /** Source shapes in insertion order. */
  shapes: TableShape[];
  sourceCounts: ReadonlyMap<string, number>;
  force: boolean;
  batchSize: number;
}

async function copyInto(module: string, source: SqlSide, target: SqlSide, plan: CopyPlan): Promise<DataMoveReport> {
  const from = describeDataLocation(source.location);
  const to = describeDataLocation(target.location);
  const migrationsRun = await migrateTarget(target);
  const shapes = await matchingTargetTables(target, plan.shapes);
  await target.lockTables(shapes.map(({ name }) => name));
  const previousMoves = await recordedMoves(target);
  const present: TableRows[] = [];
  for (const { name } of shapes) {
    const rows = await target.count(name);
    if (rows > 0) present.push({ table: name, rows });
  }
  if (!plan.force && (previousMoves.length > 0 || present.length > 0)) {
    const reasons = [
      ...previousMoves.map((moved) => `it already received a move (from ${moved.source} at ${moved.movedAt})`),
      ...(present.length > 0 ? [`it is not empty (${describeTableRows(present)})`] : []),
    ];
    throw new DataMoveError(
      'refused',
      `${module}: refusing to move into ${to}: ${reasons.join(' and ')}; --force deletes the target's rows and moves again`,
    );
  }
  // Children first, so that no foreign key is left pointing at a deleted row.
  if (plan.force) for (const { name } of shapes.toReversed()) await target.deleteAll(name);

  const tables: TableMoveCount[] = [];
  for (const shape of shapes) {
    let after: readonly unknown[] | undefined;
    for (;;) {
      const batch = await source.readBatch(shape, after, plan.batchSize);
      if (batch.rows.length > 0) await target.insertRows(shape, batch.rows);
      after = batch.after;
      if (batch.rows.length < plan.batchSize) break;
    }
    await target.afterCopy(shape);
    tables.push({
      table: shape.name,
      sourceRows: plan.sourceCounts.get(shape.name) ?? 0,
      targetRows: await target.count(shape.name),
    });
  }
  const wrong = tables.filter(({ sourceRows, targetRows }) => sourceRows !== targetRows);
  if (wrong.length > 0) {
    const details = wrong
      .map(({ table, sourceRows, targetRows }) => `${table}: source ${sourceRows}, target ${targetRows}`)
      .join('; ');
    throw new DataMoveError('failed', `${module}: counts differ after the copy (${details}); nothing was committed`);
  }
  const movedAt = new Date().toISOString();
  const counts = Object.fromEntries(tables.map(({ table, targetRows }) => [table, targetRows]));
  const values = [randomUUID(), module, from, movedAt, plan.force ? 1 : 0, JSON.stringify(counts)];
  await target.query(
    `INSERT INTO ${target.qualified(DATA_MOVES_TABLE)} (id, module, source, moved_at, forced, row_counts) VALUES (${values.map((_, index) => target.placeholder(index + 1)).join(', ')})`,
    values,
  );
  return { module, from, to, tables, migrationsRun, deleted: present, previousMoves, movedAt };
}

/** Creates the marker table if needed, and reads the moves it records, oldest first. */
async function recordedMoves(target: SqlSide): Promise<RecordedMove[]> {
  await target.query(
    `CREATE TABLE IF NOT EXISTS ${target.qualified(DATA_MOVES_TABLE)} (id varchar(36) PRIMARY KEY, module varchar(100) NOT NULL, source varchar(500) NOT NULL, moved_at varchar(30) NOT NULL, forced integer NOT NULL, row_counts text NOT NULL)`,
  );
  const rows = await target.query(
    `SELECT source, moved_at FROM ${target.qualified(DATA_MOVES_TABLE)} ORDER BY moved_at`,
  );
  return rows.map(([movedFrom, movedAt]) => ({ source: String(movedFrom), movedAt: String(movedAt) }));
}
