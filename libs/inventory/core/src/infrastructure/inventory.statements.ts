import { namedStatement, PreparedInsert, PreparedRead, PreparedUpdate } from '@seam/persistence';
import type { DataSource } from 'typeorm';
import { ReservationLineRecord } from './reservation-line.record.js';
import { ReservationRecord } from './reservation.record.js';
import { StockItemRecord } from './stock-item.record.js';

/**
 * The inventory's statements on an order's path, their SQL built once (see `PreparedRead`,
 * `PreparedUpdate`, `PreparedInsert`): every reservation and commit of an order reads its
 * reservation, its lines and a sku's stock, and writes reservations, where TypeORM's `findOneBy`,
 * `insert` and query builders rebuilt each query per call (~20–45 µs each in the place flow's profile).
 */
export class InventoryStatements {
  readonly reservation: PreparedRead<ReservationRecord>;
  readonly linesOf: PreparedRead<ReservationLineRecord>;
  readonly stock: PreparedRead<StockItemRecord>;
  /** A reservation's move from one status to another, conditional on the first. */
  readonly statusChange: PreparedUpdate<ReservationRecord>;
  /** A new reservation and its lines. */
  readonly newReservation: PreparedInsert<ReservationRecord>;
  readonly newLines: PreparedInsert<ReservationLineRecord>;
  /**
   * PostgreSQL's stock move that ends a transaction (values: available change, reserved change,
   * updated at, sku), or `undefined` elsewhere. Its commit goes with it (`commitWith`), so a
   * refusal must fail the statement: the UPDATE sits in a CTE and `1 / count(*)` of the rows it
   * moved divides by zero when it moved none (SQLSTATE 22012, {@link REFUSED_MOVE}). PostgreSQL
   * has no plain-SQL way to raise an error of one's own; a function would be schema of its own, on
   * one of the two databases only.
   */
  readonly committingMove?: string;
  /**
   * A stock move that answers how many rows it changed (values: available change, reserved change,
   * updated at, sku — in that order on both databases): one when it applied, none when the sku is
   * unknown or a count would go negative.
   */
  readonly move: {
    readonly sql: string;
    values(available: number, reserved: number, at: string, sku: string): unknown[];
  };

  constructor(dataSource: DataSource) {
    this.reservation = new PreparedRead(dataSource.getRepository(ReservationRecord), { where: ['orderId'], limit: 1 });
    // Unordered: the database's collation is not the sku order (see compareSkus); the caller sorts.
    this.linesOf = new PreparedRead(dataSource.getRepository(ReservationLineRecord), { where: ['orderId'] });
    this.stock = new PreparedRead(dataSource.getRepository(StockItemRecord), { where: ['sku'], limit: 1 });
    this.newReservation = new PreparedInsert(dataSource.getRepository(ReservationRecord));
    this.newLines = new PreparedInsert(dataSource.getRepository(ReservationLineRecord));
    this.statusChange = new PreparedUpdate(dataSource.getRepository(ReservationRecord), {
      where: ['orderId', 'status'],
      set: ['status', 'updatedAt'],
    });
    const table = stockTable(dataSource);
    if (dataSource.options.type === 'postgres') {
      this.committingMove = namedStatement(
        dataSource,
        `WITH moved AS (${moveSql(table, '$')} RETURNING 1) SELECT 1 / count(*) AS "moved" FROM moved`,
      );
      this.move = { sql: namedStatement(dataSource, moveSql(table, '$')), values: (...values) => values };
    } else {
      // SQLite's `?` is positional: the two changes are given again for the conditions.
      this.move = {
        sql: moveSql(table, '?'),
        values: (available, reserved, at, sku) => [available, reserved, at, sku, available, reserved],
      };
    }
  }
}

/** SQLSTATE of division by zero: how {@link InventoryStatements.committingMove} refuses a move. */
export const REFUSED_MOVE = '22012';

function stockTable(dataSource: DataSource): string {
  const { driver } = dataSource;
  return dataSource
    .getMetadata(StockItemRecord)
    .tablePath.split('.')
    .map((part) => driver.escape(part))
    .join('.');
}

/** The conditional UPDATE of a stock move, with PostgreSQL's numbered (`$`) or SQLite's positional (`?`) markers. */
function moveSql(table: string, markers: '$' | '?'): string {
  const [available, reserved, at, sku] = markers === '$' ? ['$1', '$2', '$3', '$4'] : ['?', '?', '?', '?'];
  return (
    `UPDATE ${table} SET "available" = "available" + ${available}, "reserved" = "reserved" + ${reserved}, "updated_at" = ${at} ` +
    `WHERE "sku" = ${sku} AND "available" + ${available} >= 0 AND "reserved" + ${reserved} >= 0`
  );
}
