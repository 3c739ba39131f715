import { setTimeout as delay } from 'node:timers/promises';

/**
 * Counts the requests (or messages) a server has taken and not yet answered, so that a stopping
 * server can answer them before it closes its connections or tells its callers it is gone. Shared
 * by the TCP, Redis streams and Redis pub/sub servers.
 */
export class InFlightRequests {
  private count = 0;
  private readonly drainedWaiters: Array<() => void> = [];

  /** Requests taken and not yet answered. */
  get size(): number {
    return this.count;
  }

  /** `count` requests were taken (one by default). */
  begin(count = 1): void {
    this.count += count;
  }

  /** A request taken with {@link begin} was answered. */
  end(): void {
    this.count -= 1;
    if (this.count === 0) this.drainedWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** Resolves once none is in flight, or after `timeoutMs` (whichever comes first). */
  async drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return;
    const timeout = new AbortController();
    await Promise.race([
      new Promise<void>((resolve) => this.drainedWaiters.push(resolve)),
      // Unref'd: a handler that never returns must not keep the process alive on its own.
      delay(timeoutMs, undefined, { ref: false, signal: timeout.signal }).catch(() => undefined),
    ]);
    timeout.abort();
  }
}
