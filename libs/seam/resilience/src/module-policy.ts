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
  handleWhen,
  IsolatedCircuitError,
  retry,
} from 'cockatiel';
import {
  CircuitOpenError,
  DeadlineExceededError,
  InternalError,
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

/** Failures that say the callee is unwell (they trip the breaker); business answers do not. */
function isCalleeFailure(error: Error): boolean {
  if (error instanceof CircuitOpenError || error instanceof OverloadedError) return false;
  return error instanceof UnavailableError || error instanceof DeadlineExceededError || error instanceof InternalError;
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

  constructor(
    readonly module: string,
    readonly settings: ModuleCallPolicy,
  ) {
    const { breaker, bulkhead: limits } = settings;
    this.breaker = circuitBreaker(handleWhen(isCalleeFailure), {
      halfOpenAfter: breaker.halfOpenAfterMs,
      breaker: new CountBreaker({
        threshold: breaker.failureRatio,
        size: breaker.windowCalls,
        minimumNumberOfCalls: breaker.minimumCalls,
      }),
    });
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
    const once = () => this.once(() => attempt(Math.floor(deadlineAt - performance.now())));
    const { maxAttempts, initialDelayMs, maxDelayMs } = this.settings.retry;
    if (!entry.idempotent || maxAttempts <= 1) return once();
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
      backoff: new ExponentialBackoff({ initialDelay: initialDelayMs, maxDelay: maxDelayMs }),
    });
    return policy.execute(once);
  }

  private async once<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(() => this.bulkhead.execute(call));
    } catch (error) {
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
