import type { Money, OrderLine } from './order-lines.js';
import { assertTransition, type OrderStatus } from './order-status.js';

/** Where the order's stock stands at the inventory module. */
export type StockProgress = 'reserved' | 'committed' | 'released';

/** The order's payment at the payments module, and where it stands. */
export interface PaymentProgress {
  paymentId: string;
  status: 'authorized' | 'declined' | 'captured' | 'refunded';
}

/**
 * An order. Besides its status, it records what each step of placing (or cancelling) it did at
 * the other modules — stock and payment — so that the order row alone says what is left to undo.
 */
export interface Order {
  orderId: string;
  customerId: string;
  /** The caller's key for placing it: the same customer and key always mean this order. */
  idempotencyKey?: string;
  /** With `idempotencyKey`: the fingerprint of the request that placed it (the key refuses any other request). */
  requestFingerprint?: string;
  status: OrderStatus;
  lines: OrderLine[];
  total: Money;
  /** Why it was rejected. */
  reason?: string;
  stock?: StockProgress;
  payment?: PaymentProgress;
  /**
   * Something is owed: on a rejected order an undo step failed, and stock may still be held or
   * money still taken (see `stock` and `payment`); on a confirmed one its cancellation began and
   * is not finished. Its saga stays open until it is cleared.
   */
  compensationPending: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The fields that identify an order to place. */
export interface OrderIdentity {
  orderId: string;
  customerId: string;
  idempotencyKey?: string;
  requestFingerprint?: string;
}

/**
 * The total of an order that could not even be priced: zero of ISO 4217 "XXX", the code for
 * "no currency involved" (its lines may have no price, or several currencies).
 */
export const NO_MONEY: Readonly<Money> = Object.freeze({ amount: 0, currency: 'XXX' });

/** A priced order, `pending` until its stock and payment are settled. */
export function newOrder(identity: OrderIdentity, priced: { lines: OrderLine[]; total: Money }, now: Date): Order {
  const at = now.toISOString();
  return {
    ...identity,
    status: 'pending',
    lines: priced.lines.map((line) => ({ ...line, unitPrice: { ...line.unitPrice } })),
    total: { ...priced.total },
    compensationPending: false,
    createdAt: at,
    updatedAt: at,
  };
}

/** An order refused before it could be priced: rejected at once, with no lines and {@link NO_MONEY}. */
export function refusedOrder(identity: OrderIdentity, reason: string, now: Date): Order {
  return reject(newOrder(identity, { lines: [], total: NO_MONEY }, now), reason, now);
}

/**
 * The order paid and its stock sold.
 *
 * @throws IllegalTransition unless it is pending; Error when it is not captured and committed.
 */
export function confirm(order: Order, now: Date): Order {
  assertTransition(order.status, 'confirmed');
  if (order.payment?.status !== 'captured' || order.stock !== 'committed') {
    throw new Error(
      `Order ${order.orderId} cannot be confirmed before its payment is captured and its stock committed`,
    );
  }
  return { ...order, status: 'confirmed', updatedAt: now.toISOString() };
}

/**
 * The order given up, with the reason.
 *
 * @throws IllegalTransition unless it is pending.
 */
export function reject(order: Order, reason: string, now: Date): Order {
  assertTransition(order.status, 'rejected');
  return { ...order, status: 'rejected', reason, updatedAt: now.toISOString() };
}

/**
 * The order cancelled by its customer.
 *
 * @throws IllegalTransition unless it is confirmed; Error when it is not refunded and released.
 */
export function cancel(order: Order, now: Date): Order {
  assertTransition(order.status, 'cancelled');
  if (order.payment?.status !== 'refunded' || order.stock !== 'released') {
    throw new Error(`Order ${order.orderId} cannot be cancelled before its payment is refunded and its stock released`);
  }
  return { ...order, status: 'cancelled', updatedAt: now.toISOString() };
}

/** The order with its stock now `stock` (progress, not a status change). */
export function recordStock(order: Order, stock: StockProgress, now: Date): Order {
  return { ...order, stock, updatedAt: now.toISOString() };
}

/** The order with its payment now `payment` (progress, not a status change). */
export function recordPayment(order: Order, payment: PaymentProgress, now: Date): Order {
  return { ...order, payment: { ...payment }, updatedAt: now.toISOString() };
}

/** The order marked as still having something to undo. */
export function flagCompensationPending(order: Order, now: Date): Order {
  return { ...order, compensationPending: true, updatedAt: now.toISOString() };
}

/** The order's undo is complete: nothing is held for it any more. */
export function clearCompensationPending(order: Order, now: Date): Order {
  return { ...order, compensationPending: false, updatedAt: now.toISOString() };
}
