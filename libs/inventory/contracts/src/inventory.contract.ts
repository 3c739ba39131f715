import { defineContract, EDGE, event, request } from '@seam/transport';
import { GetStock, Reservation, ReservationRef, ReserveStock, SetStock, StockLevel } from './inventory.dto.js';
import { ReservationChanged } from './inventory.events.js';

/** The demo seeder of the monolith's binary, which runs beside the edge and calls as `seed`. */
const SEED = 'seed';

/**
 * The inventory module's only door: stock per sku, held for orders in three steps — reserve
 * (all lines or none), then commit (sold) or release (back on the shelf). Stock never goes
 * negative, whatever the concurrency.
 */
export const InventoryContract = defineContract('inventory', {
  /**
   * Reserves every line for the order, or none; lines of a repeated sku are added up. Idempotent
   * per `orderId`: reserving the same lines again answers the existing reservation, whatever its
   * status. Fails with `ConflictError` (details `sku`, `requested`, `available`) when a line
   * cannot be covered, `ConflictError` (details `orderId`) when the order already has a
   * reservation of different lines, `ConflictError` (details `orderId`, `status: 'released'`,
   * its message saying the order's stock was already released) when the order was released
   * first, `NotFoundError` (details `sku`) for an unknown sku, and `ValidationError` (field
   * `lines`) beyond 10,000 units of one sku in all. A release counts even if it came while this
   * request was on its way: a reserve that arrives after its caller gave up on it and released
   * the order holds nothing.
   */
  reserveStock: request({
    pattern: 'inventory.reserve-stock',
    callers: ['orders'],
    request: ReserveStock,
    response: Reservation,
    idempotent: true,
  }),

  /**
   * Puts an order's stock back (from `reserved` or `committed`) and answers the reservation
   * `released`. Idempotent: releasing again answers the same. An order with no reservation is
   * released all the same, holding nothing: it answers `released` with no lines, publishes
   * nothing, and from then on the order can never be reserved (a reserve still on its way is
   * refused with `ConflictError`) nor committed. If a reserve of the order commits while the
   * release runs, the release releases what it holds. Never refuses a well-formed request.
   */
  releaseStock: request({
    pattern: 'inventory.release-stock',
    callers: ['orders'],
    request: ReservationRef,
    response: Reservation,
    idempotent: true,
  }),

  /**
   * Turns an order's reservation into a sale. Idempotent. Fails with `NotFoundError` (details
   * `orderId`) when the order has no reservation, or `ConflictError` (details `orderId`, `status`)
   * when it was released (also when it was released before it was ever reserved).
   */
  commitStock: request({
    pattern: 'inventory.commit-stock',
    callers: ['orders'],
    request: ReservationRef,
    response: Reservation,
    idempotent: true,
  }),

  /** The stock of one sku (zero for a sku never stocked). Idempotent. */
  getStock: request({
    pattern: 'inventory.get-stock',
    callers: [EDGE],
    request: GetStock,
    response: StockLevel,
    idempotent: true,
  }),

  /** Sets the units available to reserve (admin). Idempotent. */
  setStock: request({
    pattern: 'inventory.set-stock',
    callers: [EDGE, SEED],
    request: SetStock,
    response: StockLevel,
    idempotent: true,
  }),

  /** An order's stock changed state; written to the outbox with the change, delivered at least once. */
  reservationChanged: event({ pattern: 'inventory.reservation.changed', subscribers: [], payload: ReservationChanged }),
});
