import type { OrderEvent, OrderView } from '@contracts/orders';
import { randomUUID } from 'node:crypto';
import type { Order } from './domain/order.js';
import { lineTotal } from './domain/order-lines.js';

/** An order as the contract shows it (the saga's bookkeeping stays inside the module). */
export function toView(order: Order): OrderView {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    status: order.status,
    lines: order.lines.map((line) => ({
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: { ...line.unitPrice },
      lineTotal: lineTotal(line),
    })),
    total: { ...order.total },
    ...(order.reason === undefined ? {} : { reason: order.reason }),
    ...(order.payment === undefined
      ? {}
      : { payment: { paymentId: order.payment.paymentId, status: order.payment.status } }),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

/** The integration event telling other modules the order is now as it is. */
export function orderEvent(order: Order): OrderEvent {
  return {
    id: randomUUID(),
    occurredAt: order.updatedAt,
    orderId: order.orderId,
    customerId: order.customerId,
    status: order.status,
    total: { ...order.total },
    ...(order.reason === undefined ? {} : { reason: order.reason }),
  };
}
