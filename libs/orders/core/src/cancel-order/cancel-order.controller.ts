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
import { cancel, recordPayment, recordStock } from '../domain/order.js';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { assertMayMove, findVisibleOrder } from '../order.access.js';
import { OrderCalls } from '../order.calls.js';
import { toView } from '../order.views.js';

/** The longest the refund or the release may take (the caller's own deadline may cut it shorter). */
const STEP_TIMEOUT_MS = 2_000;

/**
 * `orders.cancel-order`: refunds a confirmed order, puts its stock back, and cancels it. When the
 * refund or the release fails, the order stays `confirmed` and the call fails with the callee's
 * error; calling again is safe, since both steps are idempotent (the refund's key is the order's).
 */
@ContractController(OrdersContract)
export class CancelOrderController {
  constructor(
    private readonly orders: OrderRepository,
    private readonly calls: OrderCalls,
  ) {}

  @Handle(OrdersContract.cancelOrder)
  async cancel(@Payload() request: OrderRef, @CurrentCall() call: CallContext): Promise<OrderView> {
    let order = await findVisibleOrder(this.orders, request);
    assertMayMove(order, 'cancelled');
    if (!order.payment) throw new InternalError(`Confirmed order ${order.orderId} has no payment`);
    const options = { parent: call, timeoutMs: STEP_TIMEOUT_MS };
    // Refund first: if it fails nothing changed; if the release then fails, the stock stays sold
    // (never sold twice) until the call is retried.
    await this.calls
      .refundPayment(order.orderId, order.payment.paymentId, options)
      .catch((error: unknown) => Promise.reject(refundInProgress(error, order.orderId)));
    order = recordPayment(order, { paymentId: order.payment.paymentId, status: 'refunded' }, new Date());
    await this.orders.update(order, 'confirmed');
    await this.calls.releaseStock(order.orderId, options);
    const cancelled = cancel(recordStock(order, 'released', new Date()), new Date());
    // Two cancels at once both refund and release (idempotently); only the one that stores the
    // cancellation announces it, and the other answers the order as stored.
    if (!(await this.orders.update(cancelled, 'confirmed', 'orderCancelled')))
      return toView(await findVisibleOrder(this.orders, request));
    return toView(cancelled);
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
