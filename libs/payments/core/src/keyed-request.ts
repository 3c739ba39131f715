import { Logger } from '@nestjs/common';
import type { Payment as PaymentView } from '@contracts/payments';
import { ConflictError, NotFoundError } from '@seam/transport';
import { type KeyedOperation, replayOf } from './domain/idempotency.js';
import type { IdempotencyRepository, KeyHold, Taken } from './infrastructure/idempotency.repository.js';

const logger = new Logger('Payments');

/**
 * The answer to a request whose idempotency key was already claimed: the stored answer when it
 * is the same request and done.
 *
 * @throws ConflictError when the key was used for another request (never retryable), or while
 * the first request with it is still running (`details.retryable`). `cardFingerprint` (authorize)
 * is compared with the stored one as `replayOf` does.
 */
export function answerTaken(
  taken: Taken,
  operation: KeyedOperation,
  requestHash: string,
  key: string,
  cardFingerprint?: string,
): PaymentView {
  const replay = replayOf(taken.use, operation, requestHash, cardFingerprint);
  if (replay.kind === 'replay') return replay.response;
  if (replay.kind === 'reused')
    throw new ConflictError('idempotency key reused with a different request', { idempotencyKey: key });
  throw new ConflictError('a request with this key is in progress', { idempotencyKey: key, retryable: true });
}

/** Why a payment could not be found, as the contract's error. */
export function paymentNotFound(paymentId: string): NotFoundError {
  return new NotFoundError(`No payment ${paymentId}`, { paymentId });
}

/**
 * Calls the provider for the request holding `hold`. When the call fails, nothing was stored for
 * the key: the claim (and the payment's lock) is released so that a retry with the same key
 * calls the provider again, and the call's error is rethrown. A claim taken over meanwhile is
 * not this request's to release, and stays.
 */
export async function callReleasingOnFailure<T>(
  keys: IdempotencyRepository,
  hold: KeyHold,
  paymentId: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // The provider's error is the one the caller needs; a failed release is only logged (the key then stays claimed).
    await keys.release(hold, paymentId).catch((releaseError: unknown) => {
      logger.error(`Could not release idempotency key ${hold.key}: ${(releaseError as Error).message}`);
    });
    throw error;
  }
}

/**
 * Waits for the answer to be stored under `key`.
 *
 * @throws ConflictError (`details.retryable`) when it was not, because another request took the
 * key over as abandoned while this one ran: the answer to give is that request's, which the
 * retry (same key) gets.
 */
export async function completeOrLose(storing: Promise<boolean>, key: string): Promise<void> {
  if (await storing) return;
  logger.warn(`Idempotency key ${key} was taken over while its request ran: its answer is not stored`);
  throw new ConflictError('a later request with this key took it over', { idempotencyKey: key, retryable: true });
}
