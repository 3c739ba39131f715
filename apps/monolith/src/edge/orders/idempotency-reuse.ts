import { UnprocessableEntityException } from '@nestjs/common';
import { ConflictError } from '@seam/transport';

/**
 * `details.reason` of the orders module's `ConflictError` for an idempotency key reused with a
 * different request (the orders contract's `placeOrder`).
 */
export const IDEMPOTENCY_KEY_REUSED = 'idempotency-key-reused';

/**
 * What the edge answers for an error of `placeOrder`: an `Idempotency-Key` reused with a
 * different body becomes `422 Unprocessable Content` (the IETF Idempotency-Key draft's status:
 * the request is well-formed, but the key cannot mean it); anything else is left as it is.
 */
export function idempotencyProblemOf(error: unknown): unknown {
  if (error instanceof ConflictError && error.details.reason === IDEMPOTENCY_KEY_REUSED)
    return new UnprocessableEntityException(error.message, { cause: error });
  return error;
}
