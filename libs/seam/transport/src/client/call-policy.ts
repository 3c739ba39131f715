import type { RequestEntry } from '../contracts/contract.types.js';

/**
 * What a process applies to every call it sends (`@seam/resilience` provides one): a default
 * deadline per target module, and the way attempts are made — retries, circuit breaking,
 * concurrency limits. Installed on the {@link TransportRouter}; without one, a call is one attempt.
 */
export interface CallPolicy {
  /** The deadline of a call to `module` that sets none, in ms (undefined: the transport's default). */
  deadlineFor(module: string): number | undefined;
  /**
   * Makes the call under `entry.module`'s policy. `attempt(timeoutMs)` sends it once with at most
   * that budget; `deadlineAt` (a `performance.now()` time) bounds every attempt and every pause.
   * Rejects with a `SeamError`.
   */
  execute<T>(entry: RequestEntry, deadlineAt: number, attempt: (timeoutMs: number) => Promise<T>): Promise<T>;
  /** The circuit of each target module called so far, for metrics (absent: the policy breaks no circuit). */
  circuits?(): ReadonlyArray<readonly [module: string, state: 'closed' | 'open' | 'half-open']>;
}
