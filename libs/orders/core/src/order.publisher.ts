import { Injectable, Logger } from '@nestjs/common';
import { type OrderEvent, OrdersContract } from '@contracts/orders';
import { type CallContext, type EventEntry, SeamClient } from '@seam/transport';
import type { Order } from './domain/order.js';
import { orderEvent } from './order.views.js';

type OrderEventName = 'orderPlaced' | 'orderConfirmed' | 'orderRejected' | 'orderCancelled';

/** Publishes the orders module's integration events. */
@Injectable()
export class OrderPublisher {
  private readonly logger = new Logger('orders');

  constructor(private readonly seam: SeamClient) {}

  /**
   * Publishes that `order` is now as it is. At most once, and never fatal: the order's state is
   * already stored, and an order stuck half-placed because a broker hiccuped would be worse than
   * a lost event. Reliable delivery is the outbox's job (a later issue).
   */
  async publish(name: OrderEventName, order: Order, parent: CallContext): Promise<void> {
    const entry: EventEntry<OrderEvent> = OrdersContract[name];
    try {
      await this.seam.emit(entry, orderEvent(order), { parent });
    } catch (error) {
      this.logger.error(`Order ${order.orderId}: ${entry.pattern} was not published (${(error as Error).message})`);
    }
  }
}
