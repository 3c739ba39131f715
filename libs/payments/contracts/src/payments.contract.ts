import { defineContract, event, request } from '@seam/transport';
import { AuthorizePayment, GetPayment, Payment, PaymentAction } from './payments.dto.js';
import { PaymentEvent } from './payments.events.js';

/**
 * The payments module's only door: card payments through an outside provider, in two steps
 * (authorize, then capture) and refunds. Every command takes an idempotency key: the same key
 * again returns the first answer and never charges twice; the same key with different details
 * is a `ConflictError`.
 */
export const PaymentsContract = defineContract('payments', {
  /**
   * Holds the amount on the card. Answers `status: 'authorized'`, or `'declined'` with a
   * reason (a decline is an answer, not an error). Idempotent by key. Fails with
   * `UnavailableError` when the provider does not answer in time.
   */
  authorizePayment: request({ pattern: 'payments.authorize-payment', request: AuthorizePayment, response: Payment, idempotent: true }),

  /**
   * Charges an authorized payment. Idempotent by key. Fails with `NotFoundError`, or
   * `ConflictError` when the payment is not authorized.
   */
  capturePayment: request({ pattern: 'payments.capture-payment', request: PaymentAction, response: Payment, idempotent: true }),

  /**
   * Gives a captured payment back (or voids an authorized one). Idempotent by key. Fails with
   * `NotFoundError`, or `ConflictError` when it was declined.
   */
  refundPayment: request({ pattern: 'payments.refund-payment', request: PaymentAction, response: Payment, idempotent: true }),

  /** A payment by id. Idempotent. Fails with `NotFoundError`. */
  getPayment: request({ pattern: 'payments.get-payment', request: GetPayment, response: Payment, idempotent: true }),

  paymentAuthorized: event({ pattern: 'payments.payment.authorized', payload: PaymentEvent }),
  paymentDeclined: event({ pattern: 'payments.payment.declined', payload: PaymentEvent }),
  paymentCaptured: event({ pattern: 'payments.payment.captured', payload: PaymentEvent }),
  paymentRefunded: event({ pattern: 'payments.payment.refunded', payload: PaymentEvent }),
});
