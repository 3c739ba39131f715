import { Injectable } from '@nestjs/common';
import type { PaymentAction, Payment as PaymentView } from '@contracts/payments';
import { ConflictError } from '@seam/transport';
import { requestHash } from './domain/idempotency.js';
import { applyCommand, type Payment, type PaymentCommand } from './domain/payment.js';
import { IdempotencyRepository } from './infrastructure/idempotency.repository.js';
import { answerTaken, callReleasingOnFailure, paymentNotFound } from './keyed-request.js';
import { toView } from './payment.views.js';
import { BoundedPaymentProvider } from './provider/bounded-payment-provider.js';

/**
 * Capture and refund: the same keyed flow around a different provider call. Claim the key and
 * lock the payment together; only then call the provider; store the new state, its event (outbox)
 * and the answer in one transaction. A provider failure releases both, so that a retry with the
 * same key starts afresh.
 */
@Injectable()
export class PaymentCommandHandler {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly provider: BoundedPaymentProvider,
  ) {}

  async handle(command: PaymentCommand, request: PaymentAction): Promise<PaymentView> {
    const { idempotencyKey: key, paymentId } = request;
    const hash = requestHash(command, { paymentId });
    const claim = await this.keys.claimFor(
      { key, operation: command, requestHash: hash, paymentId },
      command,
      new Date(),
    );
    switch (claim.kind) {
      case 'taken':
        return answerTaken(claim, command, hash, key);
      case 'not-found':
        throw paymentNotFound(paymentId);
      case 'illegal':
        throw new ConflictError(`Payment ${paymentId} is ${claim.payment.status}: it cannot be ${past(command)}`, {
          paymentId,
          status: claim.payment.status,
        });
      case 'busy':
        throw new ConflictError(`Another operation on payment ${paymentId} is in progress`, {
          paymentId,
          retryable: true,
        });
    }
    const payment = claim.payment!;
    await callReleasingOnFailure(this.keys, key, paymentId, () => this.callProvider(command, payment));
    const next = applyCommand(payment, command, new Date());
    const view = toView(next);
    await this.keys.completeCommand(key, next, view);
    return view;
  }

  private callProvider(command: PaymentCommand, payment: Payment): Promise<void> {
    // Only authorized payments are claimed for a command, and those always carry an authorization.
    const authorizationId = payment.authorizationId!;
    return command === 'capture'
      ? this.provider.capture(authorizationId, payment.amount)
      : this.provider.refund(authorizationId, payment.amount);
  }
}

function past(command: PaymentCommand): string {
  return command === 'capture' ? 'captured' : 'refunded';
}
