import { type OrderEvent, OrdersContract } from '@contracts/orders';
import type { EventEntry } from '@seam/transport';

/** The orders module's integration events, by name in its contract. */
export type OrderEventName = 'orderPlaced' | 'orderConfirmed' | 'orderRejected' | 'orderCancelled';

/** The contract entry of an order event. */
export function orderEventEntry(name: OrderEventName): EventEntry<OrderEvent> {
  return OrdersContract[name];
}
