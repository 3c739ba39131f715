import {
  ConflictError,
  DeadlineExceededError,
  InternalError,
  NotFoundError,
  SeamError,
  UnavailableError,
} from '@seam/transport';

/** The steps of placing an order, in order. */
export type SagaStep = 'price' | 'reserve' | 'authorize' | 'capture' | 'commit';

/** A step's call failed: the order will be rejected with {@link StepFailed.reason}. */
export class StepFailed extends Error {
  /** Why the order is rejected, as the customer reads it. */
  readonly reason: string;

  constructor(
    readonly step: SagaStep,
    readonly error: SeamError,
  ) {
    super(`Step ${step} failed: ${error.code} (${error.message})`);
    this.name = 'StepFailed';
    this.reason = reasonFor(step, error);
  }

  /**
   * Whether the callee may have acted although the call failed (it died, timed out or broke
   * half-way): then what the step may have done must be undone too. Any other error is a
   * definite refusal, and the step did nothing.
   */
  get uncertain(): boolean {
    return (
      this.error instanceof UnavailableError ||
      this.error instanceof DeadlineExceededError ||
      this.error instanceof InternalError
    );
  }
}

/** Runs one step's call, turning whatever it throws into a {@link StepFailed}. */
export async function runStep<T>(step: SagaStep, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // Calls fail with SeamErrors only; anything else is a bug on this side, treated as Internal
    // (uncertain), so that whatever the step may have done is undone.
    throw new StepFailed(
      step,
      error instanceof SeamError ? error : new InternalError(`Step ${step} threw ${String(error)}`),
    );
  }
}

function reasonFor(step: SagaStep, error: SeamError): string {
  if (step === 'reserve' && (error instanceof ConflictError || error instanceof NotFoundError)) {
    const sku = typeof error.details.sku === 'string' ? error.details.sku : 'unknown sku';
    return error instanceof ConflictError ? `out of stock: ${sku}` : `unknown product: ${sku}`;
  }
  return `${step} failed: ${error.code}`;
}
