import { Injectable, Logger } from '@nestjs/common';
import { SeamClient } from '@seam/transport';
import type { Payment } from './domain/payment.js';
import { eventEntryOf, eventOf } from './payment.views.js';

/** Publishes the event of a payment's new status, once that status is stored. */
@Injectable()
export class PaymentEventPublisher {
  private readonly logger = new Logger('Payments');

  constructor(private readonly seam: SeamClient) {}

  /**
   * Emits the event; a failure is logged, not thrown. The state and the answer are already stored
   * under the key, so failing the call would only make the caller retry and get the stored answer
   * without an event. Delivery is at most once until the module writes events to an outbox.
   */
  async published(payment: Payment): Promise<void> {
    const entry = eventEntryOf(payment);
    try {
      await this.seam.emit(entry, eventOf(payment));
    } catch (error) {
      this.logger.error(`Could not publish ${entry.pattern} for payment ${payment.id}: ${(error as Error).message}`);
    }
  }
}
