import type { Payment } from '@contracts/payments';
import { type CallOptions, ConflictError, NotFoundError } from '@seam/transport';
import { clearCompensationPending, confirm, type Order, recordPayment, recordStock, reject } from '../domain/order.js';
import type { SagaStepRecord } from '../infrastructure/saga.store.js';
import type { OrderEventName } from '../order-events.js';
import type { OrderCalls } from '../order.calls.js';
import { finishCancellation } from '../cancel-order/finish-cancellation.js';

/** Why an order whose placement was interrupted ends rejected. */
export const INTERRUPTED_REASON = 'placement interrupted; everything it held was released';

/** What resuming decided: the order to store (from `pending` or its stored status), its event, its log. */
export interface Resumption {
  order: Order;
  expected: Order['status'];
  event?: OrderEventName;
  steps: SagaStepRecord[];
  /** The order was already final, owing nothing: close its saga, leave its row as it is. */
  closeOnly?: true;
}

/**
 * Finishes a placement whose driver died, from what the order row says was done. A pending order
 * goes forward when nothing is missing but the end (captured and reserved: commit, then confirm);
 * otherwise backward: release the stock, void or refund whatever payment the order has — found
 * through payments when the authorization's answer was never stored — and reject. A rejected
 * order still owing an undo (`compensationPending`) gets only the undo, and a confirmed one
 * whose cancellation began (flagged the same way) gets the cancellation finished — refunded,
 * released, cancelled and announced (see `finishCancellation`). An order already final
 * with nothing owed gets no call at all: its saga only closes (whoever made it final did all
 * there was to do, and undoing it now would refund a confirmed order). Every call is idempotent
 * (keys per order), so resuming twice does no harm; a failed call throws and the recovery tries
 * again later.
 */
export async function resumePlacement(calls: OrderCalls, stored: Order, options: CallOptions): Promise<Resumption> {
  if (stored.status === 'rejected' && stored.compensationPending) return retryUndo(calls, stored, options);
  if (stored.status === 'confirmed' && stored.compensationPending) return resumeCancellation(calls, stored, options);
  if (stored.status !== 'pending') return alreadyFinal(stored);
  if (stored.payment?.status === 'captured' && (stored.stock === 'reserved' || stored.stock === 'committed')) {
    const steps: SagaStepRecord[] = [{ step: 'recover', outcome: 'resumed', detail: 'forward: payment captured' }];
    const committed = stored.stock === 'committed' || (await commitIfStillReserved(calls, stored.orderId, options));
    if (committed) {
      if (stored.stock === 'reserved') steps.push({ step: 'commit-stock', outcome: 'done' });
      steps.push({ step: 'confirm', outcome: 'done' });
      return {
        order: confirm(recordStock(stored, 'committed', new Date()), new Date()),
        expected: 'pending',
        event: 'orderConfirmed',
        steps,
      };
    }
  }
  const undone = await undoAll(calls, stored, options);
  return {
    order: reject(undone.order, INTERRUPTED_REASON, new Date()),
    expected: 'pending',
    event: 'orderRejected',
    steps: [{ step: 'recover', outcome: 'resumed', detail: 'backward: undo and reject' }, ...undone.steps],
  };
}

/** A rejected order whose undo failed (or was cut short): the undo again, and the flag cleared. */
async function retryUndo(calls: OrderCalls, stored: Order, options: CallOptions): Promise<Resumption> {
  const undone = await undoAll(calls, stored, options);
  return {
    order: clearCompensationPending(undone.order, new Date()),
    expected: stored.status,
    steps: [{ step: 'recover', outcome: 'resumed', detail: 'retry the undo' }, ...undone.steps],
  };
}

/** A confirmed order whose cancellation began and was cut short: the cancellation finished. */
async function resumeCancellation(calls: OrderCalls, stored: Order, options: CallOptions): Promise<Resumption> {
  const finished = await finishCancellation(calls, stored, options, [
    { step: 'recover', outcome: 'resumed', detail: 'finish the cancellation' },
  ]);
  return { order: finished.order, expected: 'confirmed', event: 'orderCancelled', steps: finished.steps };
}

/** An order final with nothing owed: its saga only closes. */
function alreadyFinal(stored: Order): Resumption {
  return {
    order: stored,
    expected: stored.status,
    steps: [{ step: 'recover', outcome: 'resumed', detail: `already ${stored.status}: nothing to do` }],
    closeOnly: true,
  };
}

/** Commits the order's reservation; false when inventory refuses for good (it is gone: go backward). */
async function commitIfStillReserved(calls: OrderCalls, orderId: string, options: CallOptions): Promise<boolean> {
  try {
    await calls.commitStock(orderId, options);
    return true;
  } catch (error) {
    if (error instanceof ConflictError || error instanceof NotFoundError) return false;
    throw error;
  }
}

async function undoAll(
  calls: OrderCalls,
  order: Order,
  options: CallOptions,
): Promise<{ order: Order; steps: SagaStepRecord[] }> {
  let next = order;
  const steps: SagaStepRecord[] = [];
  // Safe whatever the reservation's fate: inventory releases an order it has no reservation for
  // too, so a reserve still on its way is refused rather than holding stock for a rejected order.
  if (next.stock !== 'released' && next.stock !== 'committed') {
    await calls.releaseStock(next.orderId, options);
    next = recordStock(next, 'released', new Date());
    steps.push({ step: 'release-stock', outcome: 'undone' });
  }
  for (const payment of await paymentsToUndo(calls, next, options)) {
    next = recordPayment(next, { paymentId: payment.paymentId, status: payment.status }, new Date());
    if (payment.status !== 'authorized' && payment.status !== 'captured') continue;
    await calls.refundPayment(next.orderId, payment.paymentId, options);
    next = recordPayment(next, { paymentId: payment.paymentId, status: 'refunded' }, new Date());
    steps.push({ step: 'refund-payment', outcome: 'undone' });
  }
  return { order: next, steps };
}

/** The order's payment as stored, or — when its authorization's answer was lost — as payments knows it. */
async function paymentsToUndo(
  calls: OrderCalls,
  order: Order,
  options: CallOptions,
): Promise<Array<Pick<Payment, 'paymentId' | 'status'>>> {
  if (order.payment) return [order.payment];
  return calls.orderPayments(order.orderId, options);
}
