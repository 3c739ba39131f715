import { defineContract, EDGE, event, request } from '@seam/transport';
import { ListOrders, OrderPage, OrderRef, OrderView, PlaceOrder } from './orders.dto.js';
import { OrderEvent } from './orders.events.js';

/**
 * The orders module's only door. Placing an order prices it from the catalog, reserves its stock,
 * authorizes and captures its payment and confirms it; when a step fails, the steps already done
 * are undone (stock released, payment voided) and the order ends `rejected` with the reason.
 * Illegal state changes (cancelling a rejected order, …) are `ConflictError`s.
 */
export const OrdersContract = defineContract('orders', {
  /**
   * Places an order and answers it `confirmed` or `rejected` (with `reason`): a rejection is an
   * answer, not an error. Idempotent with `idempotencyKey`: the same key again answers the first
   * order; the key reused with a different request is a `ConflictError` with
   * `details.reason: 'idempotency-key-reused'` (the edge answers it 422). Fails with
   * `ValidationError` for bad input and `UnavailableError`/`DeadlineExceededError` when the orders
   * module cannot be reached.
   */
  placeOrder: request({ pattern: 'orders.place-order', callers: [EDGE], request: PlaceOrder, response: OrderView }),

  /**
   * An order. Idempotent. `NotFoundError` when it does not exist or belongs to another customer.
   * Without `customerId` the call is made as the system: only the orders module's own jobs may make
   * it (`PermissionDeniedError` for anyone else); the edge always names the customer.
   */
  getOrder: request({
    pattern: 'orders.get-order',
    callers: [EDGE, 'orders'],
    onBehalfOf: 'customerId',
    systemCallers: ['orders'],
    request: OrderRef,
    response: OrderView,
    idempotent: true,
  }),

  /** A customer's orders, newest first. Idempotent. */
  listOrders: request({
    pattern: 'orders.list-orders',
    callers: [EDGE],
    request: ListOrders,
    response: OrderPage,
    idempotent: true,
  }),

  /**
   * Cancels a confirmed order: refunds its payment, puts its stock back, answers it `cancelled`.
   * `NotFoundError` as for `getOrder`; `ConflictError` when the order is not `confirmed`. As the
   * system (no `customerId`), only the orders module's own jobs may call it, as for `getOrder`.
   */
  cancelOrder: request({
    pattern: 'orders.cancel-order',
    callers: [EDGE, 'orders'],
    onBehalfOf: 'customerId',
    systemCallers: ['orders'],
    request: OrderRef,
    response: OrderView,
  }),

  /** An order was accepted for processing (`pending`). */
  orderPlaced: event({ pattern: 'orders.order.placed', subscribers: [], payload: OrderEvent }),
  /** An order was paid and its stock committed. */
  orderConfirmed: event({ pattern: 'orders.order.confirmed', subscribers: ['identity'], payload: OrderEvent }),
  /**
   * An order could not be completed (the reason says why). Its compensations were attempted: stock
   * released, payment voided or refunded; one that failed is logged and recorded on the order.
   */
  orderRejected: event({ pattern: 'orders.order.rejected', subscribers: [], payload: OrderEvent }),
  /** A confirmed order was cancelled, refunded and restocked. */
  orderCancelled: event({ pattern: 'orders.order.cancelled', subscribers: ['identity'], payload: OrderEvent }),
});
