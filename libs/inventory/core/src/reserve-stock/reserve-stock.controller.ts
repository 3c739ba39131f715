import { Payload } from '@nestjs/microservices';
import { InventoryContract, type Reservation as ReservationView, type ReserveStock } from '@contracts/inventory';
import { isUniqueViolation } from '@seam/persistence';
import { ConflictError, ContractController, Handle, NotFoundError, ValidationError } from '@seam/transport';
import {
  isTombstone,
  MAX_UNITS_PER_SKU,
  mergeLines,
  newReservation,
  oversizedLines,
  type Reservation,
  sameLines,
  type StockLine,
} from '../domain/reservation.js';
import { InventoryRepository } from '../infrastructure/inventory.repository.js';
import { type InventoryTransaction, StockMoveRefused } from '../infrastructure/inventory.transaction.js';
import { toView } from '../reservation.views.js';

/** `inventory.reserve-stock` */
@ContractController(InventoryContract)
export class ReserveStockController {
  constructor(private readonly inventory: InventoryRepository) {}

  /**
   * Holds every line or none (any refusal rolls the whole transaction back), with
   * `reservationChanged` in the outbox, committed with the hold. A repeated request answers the existing
   * reservation and publishes nothing; an order released before it was reserved is refused.
   */
  @Handle(InventoryContract.reserveStock)
  async reserve(@Payload() request: ReserveStock): Promise<ReservationView> {
    const lines = mergeLines(request.lines);
    const oversized = oversizedLines(lines);
    if (oversized.length > 0) {
      const messages = oversized.map(
        (line) => `${line.sku}: ${line.quantity} units in all, at most ${MAX_UNITS_PER_SKU} per sku`,
      );
      throw new ValidationError('Too many units of one sku', [{ path: 'lines', messages }]);
    }
    let reservation: Reservation;
    try {
      reservation = await this.inventory.transaction((tx) => this.reserveIn(tx, request.orderId, lines));
    } catch (error) {
      if (error instanceof StockMoveRefused) throw await this.refusal(error);
      if (!isUniqueViolation(error)) throw error;
      // A concurrent request for the same order — a reserve, or a release leaving a tombstone —
      // inserted its reservation first and committed (PostgreSQL; on SQLite transactions are
      // queued and the check in reserveIn sees it).
      const existing = await this.inventory.transaction((tx) => tx.findReservation(request.orderId));
      if (!existing) throw error;
      reservation = sameOrRefused(existing, lines);
    }
    return toView(reservation);
  }

  /** Why a line could not be held, from its sku's stock as it is now (the refused transaction kept nothing). */
  private async refusal({ sku, quantity }: StockMoveRefused): Promise<Error> {
    const stock = await this.inventory.transaction((tx) => tx.findStock(sku));
    if (!stock) return new NotFoundError(`No stock item ${sku}`, { sku });
    return new ConflictError(`Not enough stock of ${sku}: ${quantity} requested, ${stock.available} available`, {
      sku,
      requested: quantity,
      available: stock.available,
    });
  }

  private async reserveIn(tx: InventoryTransaction, orderId: string, lines: StockLine[]): Promise<Reservation> {
    const existing = await tx.findReservation(orderId);
    if (existing) return sameOrRefused(existing, lines);
    const reservation = newReservation(orderId, lines, new Date());
    // The reservation row first: on PostgreSQL its primary key makes a concurrent duplicate wait here.
    await tx.insertReservation(reservation);
    // The event before the stock: it commits only if every line is held (a refusal rolls it back
    // with the rest), and the stock rows, which every order of a popular sku updates, stay locked
    // only from their update to the commit (see InventoryTransaction.moveAllAndCommit).
    await tx.announce(reservation);
    await tx.moveAllAndCommit(reservation.lines, 'hold', reservation.updatedAt);
    return reservation;
  }
}

/**
 * The existing reservation when it holds the same stock; a different one for the same order is a
 * conflict, and so is an order released before it was reserved (its caller has written it off).
 */
function sameOrRefused(existing: Reservation, lines: StockLine[]): Reservation {
  if (isTombstone(existing))
    throw new ConflictError(
      `The stock of order ${existing.orderId} was already released; it cannot be reserved any more`,
      { orderId: existing.orderId, status: existing.status },
    );
  if (sameLines(existing.lines, lines)) return existing;
  throw new ConflictError(`Order ${existing.orderId} already has a different reservation`, {
    orderId: existing.orderId,
  });
}
