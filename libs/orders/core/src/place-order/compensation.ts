import { Logger } from '@nestjs/common';
import type { AuthorizePayment } from '@contracts/payments';
import type { CallOptions } from '@seam/transport';
import { flagCompensationPending, type Order, recordPayment, recordStock } from '../domain/order.js';
import type { OrderCalls } from '../order.calls.js';

/**
 * What a stopped placement must undo. `payment` is `unknown` when an authorization failed in a
 * way that may still have authorized (timeout, dead callee): its id is then learnt by repeating
 * the authorization, which payments answers from its idempotency key without charging again.
 */
export interface Undo {
  stock: boolean;
  payment?: { paymentId: string } | { unknown: AuthorizePayment };
}

type Recorder = (change: (order: Order) => Order) => void;

const logger = new Logger('orders');

/**
 * Undoes what a placement did — voids or refunds the payment, releases the stock — side by side,
 * and answers the order with the outcome recorded. A failed undo step does not stop the other:
 * it is logged and the order is flagged `compensationPending`, with its `stock` and `payment`
 * saying what is still held; its saga stays open and `SagaRecovery` retries them. Nothing here
 * is stored: the caller stores the order rejected and owing the undo before calling this, so
 * that a process dying mid-undo leaves a row that only goes backward.
 */
export async function compensate(calls: OrderCalls, order: Order, undo: Undo, options: CallOptions): Promise<Order> {
  let next = order;
  const record: Recorder = (change) => {
    next = change(next);
  };
  const outcomes = await Promise.allSettled([
    undoPayment(calls, order.orderId, undo, options, record),
    undoStock(calls, order.orderId, undo, options, record),
  ]);
  for (const [what, outcome] of [
    ['void or refund the payment', outcomes[0]],
    ['release the stock', outcomes[1]],
  ] as const) {
    if (outcome.status === 'fulfilled') continue;
    logger.error(`Order ${order.orderId}: could not ${what} (${describeError(outcome.reason)}); compensation pending`);
    record((current) => flagCompensationPending(current, new Date()));
  }
  return next;
}

async function undoPayment(
  calls: OrderCalls,
  orderId: string,
  undo: Undo,
  options: CallOptions,
  record: Recorder,
): Promise<void> {
  if (!undo.payment) return;
  let paymentId: string;
  if ('unknown' in undo.payment) {
    // The same key answers the first authorization if the failed call made one, or makes one
    // now; either way it is voided just below, and the order now knows its payment id.
    const payment = await calls.authorizePayment(undo.payment.unknown, options);
    record((order) => recordPayment(order, { paymentId: payment.paymentId, status: payment.status }, new Date()));
    if (payment.status === 'declined' || payment.status === 'refunded') return;
    paymentId = payment.paymentId;
  } else {
    paymentId = undo.payment.paymentId;
  }
  await calls.refundPayment(orderId, paymentId, options);
  record((order) => recordPayment(order, { paymentId, status: 'refunded' }, new Date()));
}

async function undoStock(
  calls: OrderCalls,
  orderId: string,
  undo: Undo,
  options: CallOptions,
  record: Recorder,
): Promise<void> {
  if (!undo.stock) return;
  await calls.releaseStock(orderId, options);
  record((order) => recordStock(order, 'released', new Date()));
}

function describeError(error: unknown): string {
  return error instanceof Error
    ? `${(error as { code?: string }).code ?? error.name}: ${error.message}`
    : String(error);
}
