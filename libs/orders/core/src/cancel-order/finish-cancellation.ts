import {
  type CallOptions,
  ConflictError,
  DeadlineExceededError,
  InternalError,
  SeamError,
  UnavailableError,
} from '@seam/transport';
import { cancel, clearCompensationPending, type Order, recordPayment, recordStock } from '../domain/order.js';
import type { SagaStepRecord } from '../infrastructure/saga.store.js';
import type { OrderCalls } from '../order.calls.js';

/** The order as a cancellation left it, and the log lines of what it did. */
export interface FinishedCancellation {
  order: Order;
  steps: SagaStepRecord[];
}

/**
 * The rest of a cancellation begun on a confirmed order (stored `compensationPending`): refund its
 * payment unless `order` says it is refunded, put its stock back, and answer it cancelled, the
 * flag cleared, for the caller to store from `confirmed` with its `orderCancelled` event. Both
 * calls are idempotent (the refund's key is the order's), so the cancelling call, a retry of it
 * and the saga recovery can each run it. Refund first: if it fails, no stock went back for an
 * order still paid for. `steps` are log lines of what came before (a refund already done).
 *
 * @throws the callee's error when a call fails; the order is then still owed its cancellation.
 */
export async function finishCancellation(
  calls: OrderCalls,
  order: Order,
  options: CallOptions,
  steps: readonly SagaStepRecord[] = [],
): Promise<FinishedCancellation> {
  const refunded = await refundForCancellation(calls, order, options);
  let next = refunded.order;
  const done = [...steps, ...refunded.steps];
  if (next.stock !== 'released') {
    await calls.releaseStock(next.orderId, options);
    next = recordStock(next, 'released', new Date());
    done.push({ step: 'release-stock', outcome: 'undone' });
  }
  done.push({ step: 'cancel', outcome: 'done' });
  const now = new Date();
  return { order: clearCompensationPending(cancel(next, now), now), steps: done };
}

/**
 * The order with its payment refunded: asked of payments unless `order` already says so.
 *
 * @throws the payments module's error when the refund fails.
 */
export async function refundForCancellation(
  calls: OrderCalls,
  order: Order,
  options: CallOptions,
): Promise<FinishedCancellation> {
  const payment = order.payment;
  if (!payment) throw new InternalError(`Confirmed order ${order.orderId} has no payment`);
  if (payment.status === 'refunded') return { order, steps: [] };
  await calls.refundPayment(order.orderId, payment.paymentId, options);
  return {
    order: recordPayment(order, { paymentId: payment.paymentId, status: 'refunded' }, new Date()),
    steps: [{ step: 'refund-payment', outcome: 'undone' }],
  };
}

/**
 * Whether a refund that failed so may still have been done (the callee timed out, was down or
 * broke half-way), or is being done by another request under the same key: then the cancellation
 * must be finished, not given up. Only a definite refusal (a `SeamError` of another kind) is not.
 */
export function mayHaveRefunded(error: unknown): boolean {
  if (!(error instanceof SeamError)) return true;
  if (error instanceof ConflictError) return error.details?.retryable === true;
  return error instanceof UnavailableError || error instanceof DeadlineExceededError || error instanceof InternalError;
}
