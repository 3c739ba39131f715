import type { Money } from '../domain/payment.js';

/**
 * The provider's answer to an authorization: a hold on the card, or a refusal with its reason.
 * Either way `cardToken` is the provider's opaque name for the card (it tokenizes the card before
 * it decides): what Seam keeps instead of the number, which it never stores.
 */
export type AuthorizationResult = { cardToken: string } & (
  { outcome: 'approved'; authorizationId: string } | { outcome: 'declined'; reason: string }
);

/** Where an authorization stands at the provider: held, charged, given back, or released uncharged. */
export type HoldState = 'held' | 'captured' | 'refunded' | 'voided';

/**
 * The provider refused to capture or refund: the authorization is unknown, holds another amount,
 * or is already settled. `state` is where the authorization stands when the provider said so
 * (absent when it does not know it): a capture refused because it is already `captured` tells
 * its caller that an earlier capture, whose answer was lost, went through.
 */
export class SettlementRefusedError extends Error {
  constructor(
    message: string,
    readonly state?: HoldState,
  ) {
    super(message);
    this.name = 'SettlementRefusedError';
  }
}

/**
 * The card payment provider: a system outside Seam, reached over a network. Every method is
 * asynchronous and may be slow or never answer; the payments module bounds each call with its
 * own timeout. A method rejects when the provider refuses the operation (an unknown or already
 * settled authorization: a {@link SettlementRefusedError}); a declined card is an answer, not a
 * rejection.
 *
 * Every call takes an idempotency key, as real providers do (Stripe's `Idempotency-Key`): the
 * same key again, after an answer that was lost or came too late, answers the first call's
 * success and moves no money (an authorization: the first hold, not a second one). Without a key,
 * each call is a new request.
 */
export interface PaymentProvider {
  /**
   * Holds `amount` on the card. The only call that sees the card number: capture and refund name
   * the hold by its authorization id. Idempotent by `idempotencyKey` for as long as the provider
   * keeps its keys (a day at least): a repeat answers the first hold.
   */
  authorize(cardNumber: string, amount: Money, idempotencyKey?: string): Promise<AuthorizationResult>;
  /** Charges a held amount (in full). Idempotent by `idempotencyKey`. */
  capture(authorizationId: string, amount: Money, idempotencyKey?: string): Promise<void>;
  /**
   * Gives a charged amount back, or releases (voids) a hold that was never captured. Idempotent
   * by `idempotencyKey`.
   */
  refund(authorizationId: string, amount: Money, idempotencyKey?: string): Promise<void>;
}

/**
 * Injection token of the {@link PaymentProvider} the payments module uses (by default a
 * `FakePaymentProvider`). Replace it with `PaymentsModule.withProvider(…)`, or in tests with an
 * override, to use another implementation.
 */
export const PAYMENT_PROVIDER = Symbol.for('payments.payment-provider');
