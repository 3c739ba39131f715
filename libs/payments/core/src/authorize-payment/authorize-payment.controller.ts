import { Payload } from '@nestjs/microservices';
import { type AuthorizePayment, PaymentsContract, type Payment as PaymentView } from '@contracts/payments';
import { ContractController, Handle } from '@seam/transport';
import { createHash, randomUUID } from 'node:crypto';
import { CardFingerprints } from '../domain/card-fingerprint.js';
import { requestHash } from '../domain/idempotency.js';
import { authorizedPayment, cardLast4, declinedPayment, type PaymentFields } from '../domain/payment.js';
import { IdempotencyRepository } from '../infrastructure/idempotency.repository.js';
import { answerTaken, callReleasingOnFailure, completeOrLose } from '../keyed-request.js';
import { toView } from '../payment.views.js';
import { BoundedPaymentProvider } from '../provider/bounded-payment-provider.js';

/** `payments.authorize-payment` */
@ContractController(PaymentsContract)
export class AuthorizePaymentController {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly provider: BoundedPaymentProvider,
    private readonly fingerprints: CardFingerprints,
  ) {}

  /**
   * Claims the key, then asks the provider. The provider call is not cut short by the caller's
   * deadline: once the provider may have acted, finishing and storing the answer is what lets
   * the caller's retry (same key) get it instead of a second hold.
   */
  @Handle(PaymentsContract.authorizePayment)
  async authorize(@Payload() request: AuthorizePayment): Promise<PaymentView> {
    const key = request.idempotencyKey;
    const fields: PaymentFields = {
      id: randomUUID(),
      orderId: request.orderId,
      amount: { ...request.amount },
      cardLast4: cardLast4(request.cardNumber),
    };
    // Only the last four digits enter the (unkeyed) request hash: a sha256 over a card number is
    // easy to reverse by brute force, and this hash is stored. The rest of the card is compared
    // through its keyed fingerprint (see CardFingerprints for why a secret key, not a salt).
    const hash = requestHash('authorize', {
      orderId: fields.orderId,
      amount: { ...fields.amount },
      cardLast4: fields.cardLast4,
    });
    const cardFingerprint = this.fingerprints.of(request.cardNumber);
    const claim = await this.keys.claimNew(
      { key, operation: 'authorize', requestHash: hash, cardFingerprint, paymentId: fields.id },
      new Date(),
    );
    if (claim.kind === 'taken') return answerTaken(claim, 'authorize', hash, key, cardFingerprint);
    // The provider's key comes from the request's: a retry after a timeout (or a takeover of an
    // abandoned claim) gets the hold the provider may have made after this process stopped waiting,
    // instead of a second hold that nothing would ever void.
    const result = await callReleasingOnFailure(this.keys, claim.hold, fields.id, () =>
      this.provider.authorize(request.cardNumber, fields.amount, authorizationKey(key)),
    );
    const now = new Date();
    const tokenized: PaymentFields = { ...fields, cardToken: result.cardToken };
    const payment =
      result.outcome === 'approved'
        ? authorizedPayment(tokenized, result.authorizationId, now)
        : declinedPayment(tokenized, result.reason, now);
    const view = toView(payment);
    await completeOrLose(this.keys.completeNew(claim.hold, payment, view), key);
    return view;
  }
}

/**
 * The idempotency key of an authorization's call to the provider: the request's key, hashed so
 * that it has a fixed length and can never equal a settlement key (see `settlementKey`).
 */
export function authorizationKey(idempotencyKey: string): string {
  return `authorize-${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}
