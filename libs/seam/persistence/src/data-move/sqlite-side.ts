import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from '../data-source-options.js';
import { makeDirectories } from '../make-directories.js';
import type { ModuleData } from '../module-data.js';
import { DataMoveError } from './data-move.error.js';
import { type DataLocation, describeDataLocation, sqliteFileIdentity } from './data-location.js';
import { quoteIdentifier, type RowBatch, type SqlSide, type TableShape } from './sql-side.js';

/** The parts of a better-sqlite3 statement and database used here (typed locally: no @types package). */
interface Statement {
  readonly reader: boolean;
  safeIntegers(on: boolean): Statement;
  raw(on: boolean): Statement;
  all(...parameters: unknown[]): unknown[][];
  run(...parameters: unknown[]): { changes: number };
}
interface Database {
  readonly inTransaction: boolean;
  prepare(sql: string): Statement;
}

/**
 * Opens a module's SQLite file for a move, with the module's own entities and migrations. A
 * source must exist and is opened read-only; a target is created if missing (and removed again
 * by `close(true)` when the move fails).
 */
export async function openSqliteSide(
  location: Extract<DataLocation, { kind: 'sqlite' }>,
  data: ModuleData,
  role: 'source' | 'target',
): Promise<SqlSide> {
  const { file } = location;
  const existed = existsSync(file);
  if (role === 'source' && !existed)
    throw new DataMoveError('failed', `no ${describeDataLocation(location)}: nothing to move`);
  const identity = sqliteFileIdentity(file) ?? `new:${file}`;
  const createdDirectory = role === 'target' ? makeDirectories(dirname(file)) : undefined;
  const options = {
    ...dataSourceOptions(data, { kind: 'sqlite', dataDir: dirname(file) }),
    database: file,
    migrationsRun: false,
    readonly: role === 'source',
    // A source is only read: no journal-mode change. A target is set up as the monolith sets it.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      if (role === 'target') db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
    },
  } as DataSourceOptions;
  const dataSource = new DataSource(options);
  try {
    await dataSource.initialize();
  } catch (error) {
    removeCreated(file, existed, createdDirectory);
    throw new DataMoveError('failed', `cannot open ${describeDataLocation(location)}: ${(error as Error).message}`);
  }
  return new SqliteSide(location, dataSource, identity, existed, createdDirectory);
}

class SqliteSide implements SqlSide {
  readonly queryRunner: QueryRunner;
  private readonly db: Database;
  private readonly inserts = new Map<string, Statement>();

  constructor(
    readonly location: Extract<DataLocation, { kind: 'sqlite' }>,
    readonly dataSource: DataSource,
    readonly identity: string,
    private readonly existed: boolean,
    private readonly createdDirectory: string | undefined,
  ) {
    // One connection per better-sqlite3 database: TypeORM's queries and these share it.
    this.db = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
    this.queryRunner = dataSource.createQueryRunner();
  }

  async storageExists(): Promise<boolean> {
    return this.existed;
  }

  qualified(table: string): string {
    return quoteIdentifier(table);
  }

  placeholder(): string {
    return '?';
  }

  async query(sql: string, parameters: readonly unknown[] = []): Promise<unknown[][]> {
    const statement = this.db.prepare(sql);
    if (!statement.reader) {
      statement.run(...parameters.map(toSqliteValue));
      return [];
    }
    // safeIntegers: every INTEGER comes back as a bigint, exact beyond 2^53.
    return statement
      .safeIntegers(true)
      .raw(true)
      .all(...parameters.map(toSqliteValue));
  }

  async tableNames(): Promise<string[]> {
    const rows = await this.query(
      String.raw`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`,
    );
    return rows.map(([name]) => String(name));
  }

  async describe(table: string): Promise<TableShape> {
    // table_info leaves out generated columns, which cannot be written anyway.
    const columns = await this.query('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid', [table]);
    const references = await this.query('SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)', [table]);
    return {
      name: table,
      columns: columns.map(([name]) => String(name)),
      primaryKey: columns
        .filter(([, pk]) => Number(pk) > 0)
        .toSorted((a, b) => Number(a[1]) - Number(b[1]))
        .map(([name]) => String(name)),
      references: references.map(([name]) => String(name)),
    };
  }

  async count(table: string): Promise<number> {
    const [[count]] = await this.query(`SELECT COUNT(*) FROM ${this.qualified(table)}`);
    return Number(count);
  }

  async readBatch(shape: TableShape, after: readonly unknown[] | undefined, limit: number): Promise<RowBatch> {
    // Keyset paging on the primary key, else on the rowid every table without one has.
    const keys = shape.primaryKey.length > 0 ? shape.primaryKey.map(quoteIdentifier) : ['rowid'];
    const hidden = shape.primaryKey.length > 0 ? [] : ['rowid'];
    const select = [...shape.columns.map(quoteIdentifier), ...hidden].join(', ');
    const where = after ? ` WHERE (${keys.join(', ')}) > (${keys.map(() => '?').join(', ')})` : '';
    const rows = await this.query(
      `SELECT ${select} FROM ${this.qualified(shape.name)}${where} ORDER BY ${keys.join(', ')} LIMIT ?`,
      [...(after ?? []), limit],
    );
    const last = rows.at(-1);
    const keyOf = (row: unknown[]) =>
      hidden.length > 0
        ? row.slice(shape.columns.length)
        : shape.primaryKey.map((key) => row[shape.columns.indexOf(key)]);
    return {
      rows: hidden.length > 0 ? rows.map((row) => row.slice(0, shape.columns.length)) : rows,
      after: last ? keyOf(last) : after,
    };
  }

  async insertRows(shape: TableShape, rows: readonly unknown[][]): Promise<void> {
    let insert = this.inserts.get(shape.name);
    if (!insert) {
      const columns = shape.columns.map(quoteIdentifier).join(', ');
      insert = this.db.prepare(
        `INSERT INTO ${this.qualified(shape.name)} (${columns}) VALUES (${shape.columns.map(() => '?').join(', ')})`,
      );
      this.inserts.set(shape.name, insert);
    }
    for (const row of rows) insert.run(...row.map(toSqliteValue));
  }

  async deleteAll(table: string): Promise<number> {
    return this.db.prepare(`DELETE FROM ${this.qualified(table)}`).run().changes;
  }

  async beginSnapshot(): Promise<void> {
    // A deferred transaction takes its snapshot at its first read: make that read now.
    await this.query('BEGIN');
    await this.query('SELECT COUNT(*) FROM sqlite_master');
  }

  async beginExclusive(): Promise<void> {
    // IMMEDIATE takes the write lock now: a second mover waits (busy_timeout), then fails.
    await this.query('BEGIN IMMEDIATE');
    await this.query('PRAGMA defer_foreign_keys = ON');
  }

  async lockTables(): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's one write lock.
  }

  async afterCopy(): Promise<void> {
    // AUTOINCREMENT keys: SQLite raises sqlite_sequence itself when a larger key is inserted.
  }

  async commit(): Promise<void> {
    await this.query('COMMIT');
  }

  async rollback(): Promise<void> {
    if (this.db.inTransaction) await this.query('ROLLBACK');
  }

  async close(failed: boolean): Promise<void> {
    await this.rollback().catch(() => undefined);
    await this.queryRunner.release();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    if (failed) removeCreated(this.location.file, this.existed, this.createdDirectory);
  }
}

/** What better-sqlite3 can bind: it refuses booleans, dates and objects. */
function toSqliteValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

/** A failed move leaves no trace of a target it created: its file, journal files and directory. */
function removeCreated(file: string, existed: boolean, createdDirectory: string | undefined): void {
  if (existed) return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
  if (createdDirectory) rmSync(createdDirectory, { recursive: true, force: true });
}
