import type { FencingToken, Lock } from './lock.service.js';

/**
 * The bookkeeping every {@link Lock} implementation shares: the lost flag, its listeners and
 * the one-way transitions held → released and held → lost.
 */
export class Lease implements Lock {
  private state: 'held' | 'released' | 'lost' = 'held';
  private readonly listeners: Array<() => void> = [];
  /** `performance.now()` at which the lease ends unless renewed; none for a lease without one. */
  private endsAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly resource: string,
    readonly token: FencingToken,
    private readonly doRelease: () => Promise<void>,
  ) {}

  get lost(): boolean {
    this.checkClock();
    return this.state === 'lost';
  }

  get held(): boolean {
    this.checkClock();
    return this.state === 'held';
  }

  /**
   * Sets when the lease ends unless renewed again (a `performance.now()` time). Read by `lost` and
   * `held` themselves: a holder whose event loop was busy past it must see the loss at once, not when
   * the expiry timer gets its turn — another process may hold the lock by then.
   */
  endAt(at: number): void {
    this.endsAt = at;
  }

  onLost(listener: () => void): void {
    if (this.state === 'lost') listener();
    else if (this.state === 'held') this.listeners.push(listener);
  }

  async release(): Promise<void> {
    if (this.state !== 'held') return;
    this.state = 'released';
    this.listeners.length = 0;
    await this.doRelease();
  }

  private checkClock(): void {
    if (this.state === 'held' && performance.now() >= this.endsAt) this.markLost();
  }

  /** Marks the lease lost and tells the listeners; no-op unless held. */
  markLost(): void {
    if (this.state !== 'held') return;
    this.state = 'lost';
    for (const listener of this.listeners.splice(0)) listener();
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
