import type { EntityManager } from 'typeorm';
import {
  compareSkus,
  isTombstone,
  type Reservation,
  type ReservationStatus,
  type StockLine,
} from '../domain/reservation.js';
import { type StockCounts, type StockEffect, type StockMove, stockMove } from '../domain/stock-move.js';
import { type InventoryStatements, REFUSED_MOVE } from './inventory.statements.js';
import { ReservationRecord } from './reservation.record.js';
import { StockItemRecord } from './stock-item.record.js';
import { InventoryContract } from '@contracts/inventory';
import { Outbox } from '@seam/messaging';
import { commitWith } from '@seam/persistence';
import { changedEvent } from '../reservation.views.js';

/** A sku's stock as stored. */
export interface StockItem extends StockCounts {
  sku: string;
}

/** A line's stock could not move: its sku is unknown or has too few units. Its transaction keeps nothing. */
export class StockMoveRefused extends Error {
  constructor(
    readonly sku: string,
    readonly quantity: number,
  ) {
    super(`The stock of ${sku} cannot move ${quantity} units`);
    this.name = 'StockMoveRefused';
  }
}

/**
 * The inventory's data, inside one transaction (see `InventoryRepository.transaction`). Every
 * write is a conditional statement whose affected row count tells whether it applied, so that
 * the decision and the change are one atomic step even between concurrent transactions on
 * PostgreSQL: a row lock makes the second writer wait, then re-check the condition. (The move that
 * ends a transaction on PostgreSQL carries its commit, and refuses by failing instead: see
 * `moveAllAndCommit`.)
 */
export class InventoryTransaction {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: Outbox,
    private readonly statements: InventoryStatements,
  ) {}

  /** Writes `reservationChanged` for the reservation as it now is, to commit with this transaction. */
  async announce(reservation: Reservation): Promise<void> {
    await this.outbox.add(this.manager, InventoryContract.reservationChanged, changedEvent(reservation), {
      aggregateId: reservation.orderId,
    });
  }

  /** The order's reservation with its lines in sku order, or `undefined`. */
  async findReservation(orderId: string): Promise<Reservation | undefined> {
    const record = await this.statements.reservation.first([orderId], this.manager);
    if (!record) return undefined;
    const lines = await this.statements.linesOf.all([orderId], this.manager);
    return {
      orderId: record.orderId,
      status: record.status,
      // Sorted here, not by the database: its collation may order skus otherwise (see compareSkus).
      lines: lines
        .map((line) => ({ sku: line.sku, quantity: line.quantity }))
        .toSorted((a, b) => compareSkus(a.sku, b.sku)),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  /**
   * Inserts a reservation and its lines.
   *
   * @throws the driver's unique violation (see `isUniqueViolation`) when the order already has
   * one — on PostgreSQL, after waiting for a concurrent transaction that inserted it to commit.
   */
  async insertReservation(reservation: Reservation): Promise<void> {
    const { orderId, status, createdAt, updatedAt } = reservation;
    await this.statements.newReservation.run([{ orderId, status, createdAt, updatedAt }], this.manager);
    await this.statements.newLines.run(
      reservation.lines.map((line) => ({ orderId, sku: line.sku, quantity: line.quantity })),
      this.manager,
    );
  }

  /**
   * Inserts a tombstone (a reservation without lines, see `tombstone`) unless the order already
   * has a reservation: then nothing changes, and the caller reads it to decide again. On
   * PostgreSQL this first waits for a concurrent transaction that inserted the order's reservation
   * to commit or roll back; a plain insert would then fail and abort this whole transaction.
   */
  async insertTombstone(reservation: Reservation): Promise<void> {
    if (!isTombstone(reservation)) throw new Error(`Not a tombstone: order ${reservation.orderId}`);
    const { orderId, status, createdAt, updatedAt } = reservation;
    await this.manager
      .createQueryBuilder()
      .insert()
      .into(ReservationRecord)
      .values({ orderId, status, createdAt, updatedAt })
      .orIgnore()
      .execute();
  }

  /** Moves the order from `from` to `to`; false when it was no longer in `from` (nothing changed). */
  async changeStatus(orderId: string, from: ReservationStatus, to: ReservationStatus, at: string): Promise<boolean> {
    return affectedOne(
      await this.statements.statusChange.run([orderId, from], { status: to, updatedAt: at }, this.manager),
    );
  }

  /**
   * Applies `move` to a sku's counts in one statement, only if neither count goes negative.
   * False when it did not apply: the sku is unknown or has too few units.
   *
   * On PostgreSQL the sku's row stays locked until the transaction ends, and every order of that
   * sku waits for it: callers move stock last, right before the commit, so that no other round
   * trip to the database lengthens the wait.
   */
  async moveStock(sku: string, move: StockMove, at: string): Promise<boolean> {
    const { sql, values } = this.statements.move;
    const result = await this.manager.queryRunner!.query(sql, values(move.available, move.reserved, at, sku), true);
    return affectedOne(result.affected);
  }

  /**
   * Moves the stock of every line by `effect`, and ends the transaction: the work's last step. On
   * PostgreSQL the last move carries the commit (see `commitWith`), so that the last sku's row
   * — the only one of a one-line order, the one every order of a popular sku waits for — is locked
   * for the server's time only, not for this process's turn to read the answer and send COMMIT.
   *
   * @throws StockMoveRefused for the first line that cannot move; the transaction keeps nothing.
   */
  async moveAllAndCommit(lines: readonly StockLine[], effect: StockEffect, at: string): Promise<void> {
    const last = lines.length - 1;
    for (const [index, line] of lines.entries()) {
      const move = stockMove(effect, line.quantity);
      const moved =
        index === last ? await this.moveAndCommit(line.sku, move, at) : await this.moveStock(line.sku, move, at);
      if (!moved) throw new StockMoveRefused(line.sku, line.quantity);
    }
  }

  private async moveAndCommit(sku: string, move: StockMove, at: string): Promise<boolean> {
    const sql = this.statements.committingMove;
    if (!sql) return this.moveStock(sku, move, at);
    try {
      await commitWith(this.manager, () => this.manager.query(sql, [move.available, move.reserved, at, sku]));
      return true;
    } catch (error) {
      if (sqlStateOf(error) === REFUSED_MOVE) return false;
      throw error;
    }
  }

  /** A sku's stock, or `undefined` for a sku never stocked. */
  async findStock(sku: string): Promise<StockItem | undefined> {
    const record = await this.statements.stock.first([sku], this.manager);
    return record ? { sku: record.sku, available: record.available, reserved: record.reserved } : undefined;
  }

  /** Sets the available units of a sku, creating it with nothing reserved if needed; `reserved` is kept. */
  async setAvailable(sku: string, available: number, at: string): Promise<void> {
    // One upsert statement: an insert racing another for a new sku cannot fail on the primary key.
    await this.manager
      .createQueryBuilder()
      .insert()
      .into(StockItemRecord)
      .values({ sku, available, reserved: 0, updatedAt: at })
      .orUpdate(['available', 'updated_at'], ['sku'])
      .execute();
  }
}

/** The SQLSTATE of a failed PostgreSQL statement (TypeORM's QueryFailedError carries the driver's `code`). */
function sqlStateOf(error: unknown): unknown {
  return (error as { driverError?: { code?: unknown } } | null)?.driverError?.code;
}

/**
 * Whether a single-row conditional statement applied. Both drivers report the count
 * (better-sqlite3 `changes`, pg `rowCount`); a missing count would make every conditional
 * write look refused, so it is an error rather than a silent `false`.
 */
function affectedOne(affected: number | null | undefined): boolean {
  if (typeof affected !== 'number') throw new Error('The database driver did not report the affected row count');
  return affected === 1;
}
