/** Where an order stands. `pending` while it is being placed; the other three are final outcomes. */
export type OrderStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled';

/** Every status, for exhaustive checks. */
export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'confirmed', 'rejected', 'cancelled'];

/** The only moves an order can make: a rejected or cancelled order never changes again. */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['confirmed', 'rejected'],
  confirmed: ['cancelled'],
  rejected: [],
  cancelled: [],
};

/** An order was asked to move from one status to another it cannot reach from there. */
export class IllegalTransition extends Error {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`An order cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransition';
  }
}

/** Whether an order in status `from` may move to `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/**
 * Checks a move before anything is done for it.
 *
 * @throws IllegalTransition when `from` cannot move to `to`.
 */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
}
