import { Payload } from '@nestjs/microservices';
import { type OrderRef, OrdersContract, type OrderView } from '@contracts/orders';
import {
  type CallContext,
  ConflictError,
  ContractController,
  CurrentCall,
  Handle,
  InternalError,
} from '@seam/transport';
import { clearCompensationPending, flagCompensationPending, type Order } from '../domain/order.js';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { assertMayMove, findVisibleOrder } from '../order.access.js';
import { OrderCalls } from '../order.calls.js';
import { toView } from '../order.views.js';
import { sagaLeaseMs } from '../place-order/step-budget.js';
import { finishCancellation, mayHaveRefunded, refundForCancellation } from './finish-cancellation.js';

/** The longest the refund or the release may take (the caller's own deadline may cut it shorter). */
const STEP_TIMEOUT_MS = 2_000;

/**
 * `orders.cancel-order`: refunds a confirmed order, puts its stock back, and cancels it. The
 * cancellation is stored as begun (`compensationPending`, with a saga) before the refund is asked
 * for. When the refund is refused outright, nothing changed: the order stays `confirmed` and the
 * call fails with the callee's error. When a call fails otherwise (a refund that may have been
 * done, a release that failed) the call fails too, and the order — still shown `confirmed` —
 * is cancelled by a retry of the call or, once the call's lease runs out, by the saga recovery:
 * never left confirmed with its money given back.
 */
@ContractController(OrdersContract)
export class CancelOrderController {
  constructor(
    private readonly orders: OrderRepository,
    private readonly calls: OrderCalls,
  ) {}

  @Handle(OrdersContract.cancelOrder)
  async cancel(@Payload() request: OrderRef, @CurrentCall() call: CallContext): Promise<OrderView> {
    const order = await findVisibleOrder(this.orders, request);
    assertMayMove(order, 'cancelled');
    if (!order.payment) throw new InternalError(`Confirmed order ${order.orderId} has no payment`);
    const begun = order.compensationPending ? order : await this.begin(order, request, call);
    const options = { parent: call, timeoutMs: STEP_TIMEOUT_MS };
    const refunded = await refundForCancellation(this.calls, begun, options).catch((error: unknown) =>
      this.refundFailed(begun, error),
    );
    const finished = await finishCancellation(this.calls, refunded.order, options, refunded.steps);
    // Two cancels at once both refund and release (idempotently); only the one that stores the
    // cancellation announces it, and the other answers the order as stored.
    if (!(await this.orders.update(finished.order, 'confirmed', 'orderCancelled', finished.steps)))
      return toView(await findVisibleOrder(this.orders, request));
    return toView(finished.order);
  }

  /**
   * A refund refused outright did nothing: the cancellation is given up and the order stays
   * confirmed, owing nothing. One that may have been done stays owed, to a retry or the recovery.
   */
  private async refundFailed(begun: Order, error: unknown): Promise<never> {
    if (mayHaveRefunded(error)) throw refundInProgress(error, begun.orderId);
    const detail = error instanceof Error ? error.message.slice(0, 200) : String(error);
    await this.orders.update(clearCompensationPending(begun, new Date()), 'confirmed', undefined, [
      { step: 'refund-payment', outcome: 'failed', detail },
    ]);
    throw error;
  }

  /** Stores the cancellation as begun, owed until done (see `OrderRepository.beginCancellation`). */
  private async begin(order: Order, request: OrderRef, call: CallContext): Promise<Order> {
    const begun = flagCompensationPending(order, new Date());
    if (await this.orders.beginCancellation(begun, sagaLeaseMs(call))) return begun;
    // Moved since it was read: a concurrent cancel finished first.
    assertMayMove(await findVisibleOrder(this.orders, request), 'cancelled');
    throw new InternalError(`Order ${order.orderId} changed while its cancellation began`);
  }
}

/**
 * Payments' answer while another request refunds the same payment under the same key (another
 * cancel of this order, in flight) speaks of a key the caller never sent: say it in the order's
 * terms, still retryable. Any other error passes as it came.
 */
function refundInProgress(error: unknown, orderId: string): unknown {
  if (!(error instanceof ConflictError) || error.details?.retryable !== true) return error;
  return new ConflictError(`Order ${orderId} is being cancelled by another request: try again`, {
    orderId,
    retryable: true,
  });
}
