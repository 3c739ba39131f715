import { checkAcquireOptions } from './acquire-options.js';
import { Lease } from './lease.js';
import {
  type AcquireOptions,
  type FencingToken,
  type Lock,
  type LockService,
  LockUnavailableError,
} from './lock.service.js';

interface Waiter {
  grant(): void;
}

interface ResourceState {
  holder?: Lease;
  expiry?: NodeJS.Timeout;
  readonly queue: Waiter[];
}

/**
 * {@link LockService} for one process (the monolith): a FIFO queue per resource, so waiters are
 * served in arrival order without polling. Share one instance per process.
 *
 * Tokens: one counter for every resource, never below the clock in µs (as Redis tokens are). A
 * restarted process therefore goes on above the tokens its predecessor handed out — a fenced
 * resource that outlives the process (a database row) refused every write after a restart when
 * tokens started again from 1 — provided the wall clock did not go back by more than the restart
 * took. And a resource nobody holds or waits for is forgotten: a counter per resource kept every
 * name ever locked (one per order id, say) for the life of the process.
 *
 * Renewal: a holder in this process is alive as long as the process is, so with `renew` (the
 * default) the lease simply does not expire; with `renew: false` it expires after `ttlMs`.
 */
export class InProcessLockService implements LockService {
  /** Resources held or waited for; an entry goes when its last holder leaves with no one waiting. */
  private readonly resources = new Map<string, ResourceState>();
  private lastToken: FencingToken = 0;

  async acquire(resource: string, options: AcquireOptions): Promise<Lock> {
    checkAcquireOptions(options);
    options.signal?.throwIfAborted();
    const state = this.stateOf(resource);
    if (!state.holder && state.queue.length === 0) return this.grant(resource, state, options);
    const waitMs = options.waitMs ?? 0;
    if (waitMs === 0) throw new LockUnavailableError(resource, 0);

    return new Promise<Lock>((resolve, reject) => {
      const { signal } = options;
      const leave = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        state.queue.splice(state.queue.indexOf(waiter), 1);
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve(this.grant(resource, state, options));
        },
      };
      const timer = setTimeout(() => {
        leave();
        reject(new LockUnavailableError(resource, waitMs));
      }, waitMs);
      const onAbort = (): void => {
        leave();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      state.queue.push(waiter);
    });
  }

  private grant(resource: string, state: ResourceState, options: AcquireOptions): Lock {
    // performance.timeOrigin + now(): the wall clock at start-up, then steady (no NTP steps back).
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    this.lastToken = Math.max(this.lastToken + 1, micros);
    const lease: Lease = new Lease(resource, this.lastToken, async () => this.vacate(resource, state, lease));
    state.holder = lease;
    if (options.renew === false) {
      state.expiry = setTimeout(() => {
        lease.markLost();
        this.vacate(resource, state, lease);
      }, options.ttlMs).unref();
    }
    return lease;
  }

  /** Frees the resource if `lease` still holds it, and hands it to the first waiter, if any. */
  private vacate(resource: string, state: ResourceState, lease: Lease): void {
    if (state.holder !== lease) return;
    clearTimeout(state.expiry);
    state.holder = undefined;
    state.expiry = undefined;
    const next = state.queue[0];
    if (next) next.grant();
    else this.resources.delete(resource);
  }

  private stateOf(resource: string): ResourceState {
    let state = this.resources.get(resource);
    if (!state) {
      state = { queue: [] };
      this.resources.set(resource, state);
    }
    return state;
  }
}
