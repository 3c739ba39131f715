import type { DataSource, QueryRunner } from 'typeorm';
import type { DataLocation } from './data-location.js';

/** What a move needs to know of one table, the same on every database. */
export interface TableShape {
  readonly name: string;
  /** Columns to copy, in table order (generated columns are left out: the database computes them). */
  readonly columns: readonly string[];
  /** Primary key columns, in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
  /** Tables its foreign keys reference. */
  readonly references: readonly string[];
}

/** One batch of rows, as arrays in the order of `TableShape.columns`, and where the next one starts. */
export interface RowBatch {
  readonly rows: readonly unknown[][];
  /** The key of the last row (opaque; pass it back to read the next batch). */
  readonly after: readonly unknown[] | undefined;
}

/**
 * One side of a move — a module's SQLite file or its PostgreSQL schema — behind the few
 * operations the move needs, so that the copy is written once for every pair of databases.
 *
 * Values read are exact: integers keep all 64 bits (SQLite integers as `bigint`, PostgreSQL
 * `bigint`/`numeric`/dates as their text form, which is what pg itself returns for `bigint`), and
 * the writing side converts what its driver cannot bind. Internal to the data move.
 */
export interface SqlSide {
  readonly location: DataLocation;
  readonly dataSource: DataSource;
  /** The same for two handles on one database (file identity; server, database and schema). */
  readonly identity: string;
  /** Whether the module's storage existed before the move (SQLite file; PostgreSQL schema). */
  storageExists(): Promise<boolean>;
  /** The table name as written in SQL (schema-qualified on PostgreSQL), quoted. */
  qualified(table: string): string;
  /** Runs a statement and returns its rows as arrays (none for a statement without a result). */
  query(sql: string, parameters?: readonly unknown[]): Promise<unknown[][]>;
  /** The i-th (1-based) parameter placeholder. */
  placeholder(index: number): string;
  tableNames(): Promise<string[]>;
  describe(table: string): Promise<TableShape>;
  count(table: string): Promise<number>;
  /** Reads up to `limit` rows after `after`, in key order (primary key, else a physical row id). */
  readBatch(shape: TableShape, after: readonly unknown[] | undefined, limit: number): Promise<RowBatch>;
  insertRows(shape: TableShape, rows: readonly unknown[][]): Promise<void>;
  deleteAll(table: string): Promise<number>;
  /** Starts a read-only transaction whose snapshot every later read sees. */
  beginSnapshot(): Promise<void>;
  /**
   * Starts the write transaction: one mover at a time per target, and on PostgreSQL creates the
   * schema inside it (so a rolled-back move leaves no schema behind).
   */
  beginExclusive(): Promise<void>;
  /** Keeps other writers out of these tables until the transaction ends. */
  lockTables(tables: readonly string[]): Promise<void>;
  /** Brings generators (PostgreSQL sequences) past the copied keys, so new rows get fresh ones. */
  afterCopy(shape: TableShape): Promise<void>;
  commit(): Promise<void>;
  /** Ends the transaction if one is open, discarding its work. */
  rollback(): Promise<void>;
  /** The query runner on the transaction's connection, for TypeORM's migration executor. */
  readonly queryRunner: QueryRunner;
  /** Closes the connection; after a failed move, also removes a SQLite file the move created. */
  close(failed: boolean): Promise<void>;
}

export { quoteIdentifier } from '../sql-identifier.js';
