import type { Money } from '../domain/payment.js';

/**
 * The provider's answer to an authorization: a hold on the card, or a refusal with its reason.
 * Either way `cardToken` is the provider's opaque name for the card (it tokenizes the card before
 * it decides): what Seam keeps instead of the number, which it never stores.
 */
export type AuthorizationResult = { cardToken: string } & (
  { outcome: 'approved'; authorizationId: string } | { outcome: 'declined'; reason: string }
);

/**
 * The card payment provider: a system outside Seam, reached over a network. Every method is
 * asynchronous and may be slow or never answer; the payments module bounds each call with its
 * own timeout. A method rejects when the provider refuses the operation (an unknown or already
 * settled authorization); a declined card is an answer, not a rejection.
 */
export interface PaymentProvider {
  /**
   * Holds `amount` on the card. The only call that sees the card number: capture and refund name
   * the hold by its authorization id.
   */
  authorize(cardNumber: string, amount: Money): Promise<AuthorizationResult>;
  /** Charges a held amount (in full). */
  capture(authorizationId: string, amount: Money): Promise<void>;
  /** Gives a charged amount back, or releases (voids) a hold that was never captured. */
  refund(authorizationId: string, amount: Money): Promise<void>;
}

/**
 * Injection token of the {@link PaymentProvider} the payments module uses (by default a
 * `FakePaymentProvider`). Replace it with `PaymentsModule.withProvider(…)`, or in tests with an
 * override, to use another implementation.
 */
export const PAYMENT_PROVIDER = Symbol.for('payments.payment-provider');
