import type { OrderRef } from '@contracts/orders';
import { ConflictError, NotFoundError } from '@seam/transport';
import type { Order } from './domain/order.js';
import { assertTransition, IllegalTransition, type OrderStatus } from './domain/order-status.js';
import type { OrderRepository } from './infrastructure/order.repository.js';

/**
 * The order `ref` names, as its customer may see it.
 *
 * @throws NotFoundError when it does not exist, or when `ref.customerId` is given and is not its
 * customer: another customer's order must look exactly like one that does not exist.
 */
export async function findVisibleOrder(orders: OrderRepository, ref: OrderRef): Promise<Order> {
  const order = await orders.findById(ref.orderId);
  if (!order || (ref.customerId !== undefined && ref.customerId !== order.customerId)) {
    throw new NotFoundError(`No order ${ref.orderId}`, { orderId: ref.orderId });
  }
  return order;
}

/**
 * Checks that `order` may move to `to`, before anything is done for the move.
 *
 * @throws ConflictError naming the order's current status (the domain's IllegalTransition, as the contract says it).
 */
export function assertMayMove(order: Order, to: OrderStatus): void {
  try {
    assertTransition(order.status, to);
  } catch (error) {
    if (!(error instanceof IllegalTransition)) throw error;
    throw new ConflictError(`Order ${order.orderId} is ${order.status}: it cannot become ${to}`, {
      orderId: order.orderId,
      status: order.status,
    });
  }
}
