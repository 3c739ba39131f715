import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@seam/transport';
import { type Reservation, tombstone } from './domain/reservation.js';
import { type ReservationCommand, transition } from './domain/reservation-status.js';
import { InventoryRepository } from './infrastructure/inventory.repository.js';
import { type InventoryTransaction, StockMoveRefused } from './infrastructure/inventory.transaction.js';

// A reservation comes into being once and changes status at most twice, so a command can lose
// the race at most three times (the fourth read finds it final).
const MAX_ATTEMPTS = 4;

/** Commits and releases reservations: the part `commit-stock` and `release-stock` share. */
@Injectable()
export class ReservationTransitions {
  constructor(private readonly inventory: InventoryRepository) {}

  /**
   * Applies `command` to the order's reservation and its stock in one transaction, with
   * `reservationChanged` in the outbox if anything changed (the event commits with the change, or
   * neither does). A repeated command changes nothing and publishes nothing. Releasing an order
   * that has no reservation leaves a tombstone (see `tombstone`): it answers `released` with no
   * lines, and a later reserve of the order is refused.
   *
   * @throws NotFoundError when committing an order that has no reservation; ConflictError when the
   * command cannot apply.
   */
  async apply(orderId: string, command: ReservationCommand): Promise<Reservation> {
    return this.inventory.transaction((tx) => this.applyIn(tx, orderId, command, new Date().toISOString()));
  }

  private async applyIn(
    tx: InventoryTransaction,
    orderId: string,
    command: ReservationCommand,
    at: string,
  ): Promise<Reservation> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const current = await tx.findReservation(orderId);
      if (!current) {
        if (command === 'commit') throw new NotFoundError(`Order ${orderId} has no reservation`, { orderId });
        // Its reserve may be late (the caller gave up on it and is compensating): the tombstone makes
        // it refused. No stock moves and nothing is announced: `reservationChanged` tells subscribers
        // an order's stock changed state, and this order's never held any (they never heard of it).
        // If a concurrent reserve inserted first (PostgreSQL), nothing is inserted and the next read
        // finds that reservation, which is then released like any other.
        await tx.insertTombstone(tombstone(orderId, at));
        continue;
      }
      const next = transition(current.status, command);
      if (next.kind === 'unchanged') return current;
      if (next.kind === 'refused')
        throw new ConflictError(`Cannot ${command} the stock of order ${orderId}: ${next.reason}`, {
          orderId,
          status: current.status,
        });
      // Compare-and-set: on PostgreSQL a concurrent command may have moved the order since the read
      // (on SQLite transactions are queued, so it never has); then decide again from its new status.
      if (!(await tx.changeStatus(orderId, current.status, next.to, at))) continue;
      const changed = { ...current, status: next.to, updatedAt: at };
      // The event before the stock, as in reserve: the stock rows stay locked only from their update
      // to the commit, and a failed move rolls the event back with the rest.
      await tx.announce(changed);
      try {
        await tx.moveAllAndCommit(current.lines, next.effect, at);
      } catch (error) {
        if (!(error instanceof StockMoveRefused)) throw error;
        // The units are where the status says they are, unless the data was changed behind the module.
        throw new Error(
          `Stock of ${error.sku} cannot ${command} ${error.quantity} units of order ${orderId}: counts are inconsistent`,
          { cause: error },
        );
      }
      return changed;
    }
    throw new Error(`Order ${orderId} kept changing while trying to ${command} it`);
  }
}
