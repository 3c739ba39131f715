import { CallContext, type CallOptions, DeadlineExceededError } from '@seam/transport';

/** The longest one step of placing an order may take, however much time the caller gave. */
export const STEP_TIMEOUT_MS = 2_000;
/** The time the whole undo may take (its calls run side by side, and may outlive the caller). */
export const COMPENSATION_BUDGET_MS = 1_000;
/** Kept back from every step: the undo, then storing the outcome and answering. */
export const RESERVED_MS = COMPENSATION_BUDGET_MS + 200;
/** A step left with less than this is not started: it could only time out. */
export const MIN_STEP_MS = 100;

/**
 * The deadlines of one placement. Each step gets what the caller has left minus
 * {@link RESERVED_MS}, capped at {@link STEP_TIMEOUT_MS}, so that when it fails there is still
 * time to undo the steps before it and answer within the caller's budget.
 */
export class StepBudget {
  constructor(private readonly call: CallContext) {}

  /**
   * The options of the next step's call, made within the caller's call (same trace).
   *
   * @throws DeadlineExceededError when too little time is left to run it and still undo.
   */
  forStep(step: string): CallOptions {
    const timeoutMs = Math.min(STEP_TIMEOUT_MS, Math.floor(this.call.remainingMs() - RESERVED_MS));
    if (timeoutMs < MIN_STEP_MS) {
      throw new DeadlineExceededError(`No time left for step ${step}`, {
        step,
        remainingMs: Math.floor(this.call.remainingMs()),
      });
    }
    return { parent: this.call, timeoutMs };
  }

  /**
   * The options of the undo calls: a fresh budget on the same trace. Undoing must not be cut
   * short because the caller has given up: stock left held or money left taken is worse than a
   * late answer.
   */
  forCompensation(): CallOptions {
    const parent = CallContext.root({ traceparent: this.call.traceparent, budgetMs: COMPENSATION_BUDGET_MS });
    return { parent, timeoutMs: COMPENSATION_BUDGET_MS };
  }
}

/** Margin added to a placement's own time before its saga counts as abandoned. */
export const SAGA_LEASE_MARGIN_MS = 10_000;

/**
 * How long the placing (or cancelling) call holds its saga, in ms: its caller's budget, the
 * undo's, and a margin. Past it, the call's process is taken to have died and a recovery finishes
 * the order.
 */
export function sagaLeaseMs(call: CallContext): number {
  return Math.max(0, Math.floor(call.remainingMs())) + COMPENSATION_BUDGET_MS + SAGA_LEASE_MARGIN_MS;
}
