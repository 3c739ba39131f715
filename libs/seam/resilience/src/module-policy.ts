import {
  BrokenCircuitError,
  type BulkheadPolicy,
  BulkheadRejectedError,
  bulkhead,
  type CircuitBreakerPolicy,
  CircuitState,
  circuitBreaker,
  CountBreaker,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  IsolatedCircuitError,
  retry,
} from 'cockatiel';
import {
  CircuitOpenError,
  DeadlineExceededError,
  InternalError,
  isShuttingDownRefusal,
  OverloadedError,
  type RequestEntry,
  UnavailableError,
} from '@seam/transport';
import type { ModuleCallPolicy } from './call-policies.config.js';
import { RetryBudget } from './retry-budget.js';

/** What a module's policy has done since start (for metrics and tests). */
export interface PolicyStats {
  calls: number;
  retries: number;
  /** Retryable failures not retried because the budget was spent. */
  retriesDenied: number;
  circuitOpenRejections: number;
  overloadRejections: number;
}

/**
 * Failures that say the callee is unwell (they trip the breaker); business answers do not, nor
 * does a replica's refusal while it shuts down (it ran nothing, and its successor is not unwell).
 */
function isCalleeFailure(error: unknown): boolean {
  if (error instanceof CircuitOpenError || error instanceof OverloadedError) return false;
  if (isShuttingDownRefusal(error)) return false;
  return error instanceof UnavailableError || error instanceof DeadlineExceededError || error instanceof InternalError;
}

/**
 * A call whose deadline passed on this side, before it was sent (waiting for a bulkhead slot, or
 * for a retry): the callee never saw it, so the breaker must not count it for or against the
 * callee. Thrown inside the breaker, it is none of the errors the breaker handles.
 */
class DeadlinePassedHere extends Error {}

/**
 * The callee's answer was an error that says nothing against its health (not found, invalid, a
 * conflict…). Returned through the breaker as a value, so that it counts as the success it is
 * (cockatiel lets an error it does not handle pass uncounted, and a probe answered so would close
 * the circuit with the failures that opened it still in its window); thrown again outside.
 */
class CalleeAnswered {
  constructor(readonly error: unknown) {}
}

/**
 * The half-open probe was not sent: its deadline passed here (waiting for a bulkhead slot) or the
 * bulkhead refused it. Nothing was learned of the callee, yet cockatiel closes the circuit on any
 * error it does not handle ("task failed successfully"), releasing every held caller to a callee
 * that may still be down. Handled by the breaker as a failure instead: the circuit stays open
 * for another `halfOpenAfterMs`. Unwrapped outside.
 */
class ProbeNotSent {
  constructor(readonly error: unknown) {}
}

/**
 * `waiting`, or {@link DeadlinePassedHere} once `deadlineAt` has passed. Whatever `waiting` does
 * later (a held call finds its deadline gone and is not sent) is left to settle unobserved.
 */
function withinDeadline<T>(waiting: Promise<T>, deadlineAt: number): Promise<T> {
  waiting.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlinePassedHere()), Math.max(0, deadlineAt - performance.now()));
  });
  return Promise.race([waiting, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The policy of calls to one module, built from cockatiel's policies: a circuit breaker
 * (`CountBreaker`: opens when `failureRatio` of the last `windowCalls` failed, once
 * `minimumCalls` were made; one probe after `halfOpenAfterMs`), inside it a bulkhead
 * (`maxConcurrent` in flight, `maxQueue` waiting), and around both, for entries the contract marks
 * idempotent only, retries of `Unavailable` failures with exponential backoff and jitter, within
 * the call's deadline and the module's {@link RetryBudget}.
 */
export class ModulePolicy {
  readonly stats: PolicyStats = {
    calls: 0,
    retries: 0,
    retriesDenied: 0,
    circuitOpenRejections: 0,
    overloadRejections: 0,
  };
  readonly budget: RetryBudget;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  /** Set when the breaker lets a probe through, taken by that probe's attempt (see {@link ProbeNotSent}). */
  private probing = false;

  constructor(
    readonly module: string,
    readonly settings: ModuleCallPolicy,
  ) {
    const { breaker, bulkhead: limits } = settings;
    this.breaker = circuitBreaker(
      handleWhen((error) => error instanceof ProbeNotSent || isCalleeFailure(error)),
      {
        halfOpenAfter: breaker.halfOpenAfterMs,
        breaker: new CountBreaker({
          threshold: breaker.failureRatio,
          size: breaker.windowCalls,
          minimumNumberOfCalls: breaker.minimumCalls,
        }),
      },
    );
    // cockatiel announces the probe synchronously before it runs it: the next attempt is the probe.
    this.breaker.onHalfOpen(() => (this.probing = true));
    this.bulkhead = bulkhead(limits.maxConcurrent, limits.maxQueue);
    this.budget = new RetryBudget(settings.retry.budgetRatio);
  }

  /** Whether the circuit is open or letting its probe through. */
  get circuit(): 'closed' | 'open' | 'half-open' {
    const state = this.breaker.state;
    if (state === CircuitState.Closed) return 'closed';
    return state === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  /** Makes the call (see {@link CallPolicy.execute}). */
  async execute<T>(entry: RequestEntry, deadlineAt: number, attempt: (timeoutMs: number) => Promise<T>): Promise<T> {
    this.stats.calls++;
    this.budget.earn();
    const { maxAttempts, initialDelayMs, maxDelayMs } = this.settings.retry;
    if (!entry.idempotent || maxAttempts <= 1) return this.once(deadlineAt, attempt);
    // A retry whose deadline passed during its pause (a stalled event loop overslept it) is not
    // sent, and fails with the failure that called for it: that says why the call failed.
    let failure: unknown;
    const once = () =>
      this.once(deadlineAt, attempt, failure).catch((error: unknown) => {
        failure = error;
        throw error;
      });
    let attempts = 0;
    const shouldRetry = (error: Error): boolean => {
      attempts++;
      if (!(error instanceof UnavailableError) || error instanceof CircuitOpenError || error instanceof OverloadedError)
        return false;
      if (attempts >= maxAttempts) return false;
      // The longest pause the backoff may take now, and a little time for the attempt after it.
      const pause = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempts - 1));
      if (deadlineAt - performance.now() < pause + 20) return false;
      if (!this.budget.spend()) {
        this.stats.retriesDenied++;
        return false;
      }
      this.stats.retries++;
      return true;
    };
    const policy = retry(handleWhen(shouldRetry), {
      maxAttempts: maxAttempts - 1,
      // Full jitter: each pause is below the bound `shouldRetry` checks against the deadline
      // (cockatiel's default, decorrelated jitter, goes up to ~1.4× and ~2.8× of it).
      backoff: new ExponentialBackoff({
        initialDelay: initialDelayMs,
        maxDelay: maxDelayMs,
        generator: fullJitterGenerator,
      }),
    });
    return policy.execute(once);
  }

  /** One attempt; `previous` is the failure of the attempt before it, if any (see {@link execute}). */
  private async once<T>(
    deadlineAt: number,
    attempt: (timeoutMs: number) => Promise<T>,
    previous?: unknown,
  ): Promise<T> {
    try {
      if (deadlineAt - performance.now() < 1) throw new DeadlinePassedHere();
      const call = this.breaker.execute(() => {
        const probe = this.probing;
        this.probing = false;
        return probe ? this.probe(deadlineAt, attempt) : this.throughBulkhead(deadlineAt, attempt);
      });
      // While one probe tests the callee, cockatiel holds the other calls until it ends, with no
      // regard for their deadlines: they wait no longer than their own.
      const outcome = await (this.breaker.state === CircuitState.HalfOpen ? withinDeadline(call, deadlineAt) : call);
      if (outcome instanceof CalleeAnswered) throw outcome.error;
      return outcome;
    } catch (caught) {
      const error = caught instanceof ProbeNotSent ? caught.error : caught;
      if (error instanceof DeadlinePassedHere)
        throw (
          previous ??
          new DeadlineExceededError(`The deadline of a call to ${this.module} passed before it could be sent`, {
            module: this.module,
          })
        );
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        this.stats.circuitOpenRejections++;
        throw new CircuitOpenError(`Calls to ${this.module} fail fast: its circuit is open after repeated failures`, {
          module: this.module,
        });
      }
      if (error instanceof BulkheadRejectedError) {
        this.stats.overloadRejections++;
        const { maxConcurrent, maxQueue } = this.settings.bulkhead;
        throw new OverloadedError(
          `Too many calls to ${this.module} at once (${maxConcurrent} in flight, ${maxQueue} waiting)`,
          { module: this.module },
        );
      }
      throw error;
    }
  }

  /** The half-open probe: {@link throughBulkhead}, its unsent outcomes marked (see {@link ProbeNotSent}). */
  private async probe<T>(deadlineAt: number, attempt: (timeoutMs: number) => Promise<T>): Promise<T | CalleeAnswered> {
    try {
      return await this.throughBulkhead(deadlineAt, attempt);
    } catch (error) {
      if (error instanceof DeadlinePassedHere || error instanceof BulkheadRejectedError) throw new ProbeNotSent(error);
      throw error;
    }
  }

  /**
   * The attempt, through the bulkhead. A call that must queue waits no longer than its deadline
   * (cockatiel's queue has no timer of its own); if its turn comes after that, it is not sent.
   */
  private throughBulkhead<T>(
    deadlineAt: number,
    attempt: (timeoutMs: number) => Promise<T>,
  ): Promise<T | CalleeAnswered> {
    const run = async (): Promise<T | CalleeAnswered> => {
      const budget = Math.floor(deadlineAt - performance.now());
      if (budget < 1) throw new DeadlinePassedHere();
      try {
        return await attempt(budget);
      } catch (error) {
        if (isCalleeFailure(error)) throw error;
        return new CalleeAnswered(error);
      }
    };
    return this.bulkhead.executionSlots > 0
      ? this.bulkhead.execute(run)
      : withinDeadline(this.bulkhead.execute(run), deadlineAt);
  }

  /** One line describing this policy, for the start-up log. */
  describe(): string {
    const { deadlineMs, retry: r, breaker: b, bulkhead: h } = this.settings;
    return (
      `calls to ${this.module}: deadline ${deadlineMs} ms; ` +
      `retries: up to ${r.maxAttempts - 1} for idempotent entries (backoff ${r.initialDelayMs}–${r.maxDelayMs} ms, budget ${Math.round(r.budgetRatio * 100)}%); ` +
      `breaker: opens at ${Math.round(b.failureRatio * 100)}% failures of the last ${b.windowCalls} calls (at least ${b.minimumCalls}), probes after ${b.halfOpenAfterMs} ms; ` +
      `bulkhead: ${h.maxConcurrent} in flight + ${h.maxQueue} waiting`
    );
  }
}
