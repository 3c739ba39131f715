import { defineContract, event, request } from '@seam/transport';
import {
  AuthorizePayment,
  FindOrderPayments,
  GetPayment,
  OrderPayments,
  Payment,
  PaymentAction,
} from './payments.dto.js';
import { PaymentEvent } from './payments.events.js';

/**
 * The payments module's only door: card payments through an outside provider, in two steps
 * (authorize, then capture) and refunds. Every command takes an idempotency key: the same key
 * again returns the first answer and never charges twice; the same key with different details
 * is a `ConflictError`. While the first request with a key is still running, the same request
 * again is a `ConflictError` with `details.retryable: true` (retry it later, with the same key).
 * When the provider does not answer in time, a command fails with `UnavailableError` and its key
 * is released: retry with the same key. The provider may have acted after the timeout; the retry
 * then completes the command without acting twice.
 */
export const PaymentsContract = defineContract('payments', {
  /**
   * Holds the amount on the card. Answers `status: 'authorized'`, or `'declined'` with a
   * reason (a decline is an answer, not an error). Idempotent by key. Fails with
   * `UnavailableError` when the provider does not answer in time.
   */
  authorizePayment: request({
    pattern: 'payments.authorize-payment',
    callers: ['orders'],
    request: AuthorizePayment,
    response: Payment,
    idempotent: true,
  }),

  /**
   * Charges an authorized payment. Idempotent by key. Fails with `NotFoundError`,
   * `ConflictError` when the payment is not authorized (or another command on it is in progress,
   * `details.retryable: true`), or `UnavailableError` when the provider does not answer in time.
   */
  capturePayment: request({
    pattern: 'payments.capture-payment',
    callers: ['orders'],
    request: PaymentAction,
    response: Payment,
    idempotent: true,
  }),

  /**
   * Gives a captured payment back (or voids an authorized one). Idempotent by key. Fails with
   * `NotFoundError`, `ConflictError` when it was declined or is already refunded (or another
   * command on it is in progress, `details.retryable: true`), or `UnavailableError` when the
   * provider does not answer in time.
   */
  refundPayment: request({
    pattern: 'payments.refund-payment',
    callers: ['orders'],
    request: PaymentAction,
    response: Payment,
    idempotent: true,
  }),

  /** A payment by id. Idempotent. Fails with `NotFoundError`. */
  getPayment: request({
    pattern: 'payments.get-payment',
    callers: ['orders'],
    request: GetPayment,
    response: Payment,
    idempotent: true,
  }),

  /**
   * The payments recorded for an order, oldest first. Idempotent. A saga recovering an order
   * whose authorization outcome it never learnt uses it to find what to refund.
   */
  findOrderPayments: request({
    pattern: 'payments.find-order-payments',
    callers: ['orders'],
    request: FindOrderPayments,
    response: OrderPayments,
    idempotent: true,
  }),

  /**
   * A card accepted a hold (once per payment). Like every payment event, it is written to the
   * outbox in the transaction that stores the payment's new state, and delivered at least once.
   */
  paymentAuthorized: event({ pattern: 'payments.payment.authorized', subscribers: [], payload: PaymentEvent }),
  /** A card was declined; `reason` says why. */
  paymentDeclined: event({ pattern: 'payments.payment.declined', subscribers: [], payload: PaymentEvent }),
  /** A held amount was charged. */
  paymentCaptured: event({ pattern: 'payments.payment.captured', subscribers: [], payload: PaymentEvent }),
  /** A charge was given back, or a hold voided. */
  paymentRefunded: event({ pattern: 'payments.payment.refunded', subscribers: [], payload: PaymentEvent }),
});
