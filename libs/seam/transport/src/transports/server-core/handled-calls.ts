/**
 * A count of requests per pattern since the process started, over every transport it serves
 * (in-process, TCP, Redis): {@link handledCalls} counts those handed to a handler, when the
 * handler starts and whatever its outcome (requests answered without running a handler — unknown
 * pattern, deadline already past, refused at the size check — are not counted);
 * {@link deniedCalls} those the allow-list refused. Process-wide on purpose: `/metrics` reports
 * the process, and with several replicas of a module it shows which replica did the work.
 */
export class HandledCalls {
  private readonly counts = new Map<string, number>();

  /** @internal Records that a handler of `pattern` started (the servers' hot path: one map update). */
  count(pattern: string): void {
    this.counts.set(pattern, (this.counts.get(pattern) ?? 0) + 1);
  }

  /** Handled requests per pattern, sorted by pattern: a snapshot. */
  snapshot(): Array<[pattern: string, handled: number]> {
    return [...this.counts].toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/** This process's count of handled requests per pattern (see {@link HandledCalls}). */
export const handledCalls = new HandledCalls();

/**
 * This process's count of requests its doors refused because the contract does not name the
 * (authenticated) caller — `PermissionDeniedError` — per pattern, over every transport. Patterns
 * are the process's own (an unknown one is refused earlier), so the count cannot be made to grow
 * new series by a caller.
 */
export const deniedCalls = new HandledCalls();
