import { Payload } from '@nestjs/microservices';
import { IdentityContract } from '@contracts/identity';
import { type OrderEvent, OrdersContract } from '@contracts/orders';
import { Inbox } from '@seam/messaging';
import { ContractController, CurrentDelivery, type DeliveryInfo, Subscribe } from '@seam/transport';
import { type ActivityChange, CustomerActivityRepository } from './customer-activity.repository.js';

/** The inbox name of this consumer: its effects are recorded under it. */
export const ORDER_ACTIVITY_CONSUMER = 'identity:order-activity';

/**
 * Keeps customers' order activity from the orders module's events. Each event is applied once,
 * in one transaction with its inbox entry, however often the relay delivers it.
 */
@ContractController(IdentityContract)
export class OrderActivitySubscriber {
  constructor(
    private readonly inbox: Inbox,
    private readonly activity: CustomerActivityRepository,
  ) {}

  @Subscribe(OrdersContract.orderConfirmed)
  async onConfirmed(@Payload() event: OrderEvent, @CurrentDelivery() delivery?: DeliveryInfo): Promise<void> {
    await this.apply(delivery, {
      customerId: event.customerId,
      currency: event.total.currency,
      confirmed: 1,
      cancelled: 0,
      amount: event.total.amount,
    });
  }

  @Subscribe(OrdersContract.orderCancelled)
  async onCancelled(@Payload() event: OrderEvent, @CurrentDelivery() delivery?: DeliveryInfo): Promise<void> {
    await this.apply(delivery, {
      customerId: event.customerId,
      currency: event.total.currency,
      confirmed: 0,
      cancelled: 1,
      amount: -event.total.amount,
    });
  }

  private async apply(delivery: DeliveryInfo | undefined, change: ActivityChange): Promise<void> {
    // Without a delivery the event came from a plain emit, with no id to apply it once by.
    if (!delivery) throw new Error('Order events reach identity through the orders outbox only');
    await this.inbox.once(ORDER_ACTIVITY_CONSUMER, delivery.eventId, (manager) => this.activity.add(manager, change));
  }
}
