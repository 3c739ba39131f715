import { type Payment as PaymentView, type PaymentEvent, PaymentsContract } from '@contracts/payments';
import type { EventEntry } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import type { Payment, PaymentStatus } from './domain/payment.js';

/** A payment as the contract shows it (no authorization id: that is between us and the provider). */
export function toView(payment: Payment): PaymentView {
  return {
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: { ...payment.amount },
    status: payment.status,
    ...(payment.reason === undefined ? {} : { reason: payment.reason }),
    cardLast4: payment.cardLast4,
    updatedAt: payment.updatedAt,
  };
}

const EVENT_OF_STATUS: Readonly<Record<PaymentStatus, EventEntry<PaymentEvent>>> = {
  authorized: PaymentsContract.paymentAuthorized,
  declined: PaymentsContract.paymentDeclined,
  captured: PaymentsContract.paymentCaptured,
  refunded: PaymentsContract.paymentRefunded,
};

/** The event announcing that a payment reached its current status. */
export function eventOf(payment: Payment): PaymentEvent {
  return {
    id: randomUUID(),
    occurredAt: payment.updatedAt,
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: { ...payment.amount },
    status: payment.status,
    ...(payment.reason === undefined ? {} : { reason: payment.reason }),
  };
}

/** The contract entry of the event for a payment's current status. */
export function eventEntryOf(payment: Payment): EventEntry<PaymentEvent> {
  return EVENT_OF_STATUS[payment.status];
}
