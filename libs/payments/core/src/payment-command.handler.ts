import { Injectable } from '@nestjs/common';
import type { PaymentAction, Payment as PaymentView } from '@contracts/payments';
import { ConflictError } from '@seam/transport';
import { requestHash } from './domain/idempotency.js';
import { applyCommand, type Payment, type PaymentCommand } from './domain/payment.js';
import { IdempotencyRepository } from './infrastructure/idempotency.repository.js';
import { answerTaken, callReleasingOnFailure, completeOrLose, paymentNotFound } from './keyed-request.js';
import { toView } from './payment.views.js';
import { BoundedPaymentProvider } from './provider/bounded-payment-provider.js';
import { type HoldState, SettlementRefusedError } from './provider/payment-provider.js';

/** The states at the provider in which a command's work is done: a refund of a hold never captured is a void. */
const DONE: Readonly<Record<PaymentCommand, readonly HoldState[]>> = {
  capture: ['captured'],
  refund: ['refunded', 'voided'],
};

/**
 * Capture and refund: the same keyed flow around a different provider call. Claim the key and
 * lock the payment together; only then call the provider; store the new state, its event (outbox)
 * and the answer in one transaction. A provider failure releases both, so that a retry with the
 * same key starts afresh.
 *
 * A provider call that timed out may still have been done there. So the retry must not count on
 * reaching a provider that never saw the first call: it sends the same settlement key (one per
 * payment and command, see {@link settlementKey}), which the provider answers with the first
 * call's success; and should the provider refuse because the authorization is already where the
 * command leads (a provider or adapter that drops the key), that too is the lost answer, and the
 * command completes.
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
    await callReleasingOnFailure(this.keys, claim.hold, paymentId, () => this.callProvider(command, payment));
    const next = applyCommand(payment, command, new Date());
    const view = toView(next);
    await completeOrLose(this.keys.completeCommand(claim.hold, next, view), key);
    return view;
  }

  private async callProvider(command: PaymentCommand, payment: Payment): Promise<void> {
    // Only authorized payments are claimed for a command, and those always carry an authorization.
    const authorizationId = payment.authorizationId!;
    const settlement = settlementKey(payment.id, command);
    try {
      await (command === 'capture'
        ? this.provider.capture(authorizationId, payment.amount, settlement)
        : this.provider.refund(authorizationId, payment.amount, settlement));
    } catch (error) {
      // Only Seam settles its authorizations, one command per payment at a time (the payment is
      // locked for this one), and the payment is not there yet: an earlier attempt whose answer was lost did it.
      if (error instanceof SettlementRefusedError && error.state && DONE[command].includes(error.state)) return;
      throw error;
    }
  }
}

/**
 * The idempotency key of a command's call to the provider: the payment and the command, not the
 * request's key. A payment is captured at most once and refunded at most once, so this names the
 * one settlement whatever key the caller retries with (the same, or a new one after giving up).
 */
export function settlementKey(paymentId: string, command: PaymentCommand): string {
  return `payment-${paymentId}-${command}`;
}

function past(command: PaymentCommand): string {
  return command === 'capture' ? 'captured' : 'refunded';
}
