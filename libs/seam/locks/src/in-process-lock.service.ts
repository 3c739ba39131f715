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
  fence: FencingToken;
  holder?: Lease;
  expiry?: NodeJS.Timeout;
  readonly queue: Waiter[];
}

/**
 * {@link LockService} for one process (the monolith): a FIFO queue per resource, so waiters are
 * served in arrival order without polling. Tokens increase per resource for the life of this
 * instance; share one instance per process.
 *
 * Renewal: a holder in this process is alive as long as the process is, so with `renew` (the
 * default) the lease simply does not expire; with `renew: false` it expires after `ttlMs`.
 */
export class InProcessLockService implements LockService {
  // Entries are never dropped: the fence counter must survive idle periods to stay monotonic.
  private readonly resources = new Map<string, ResourceState>();

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
    state.fence += 1;
    const lease: Lease = new Lease(resource, state.fence, async () => this.vacate(state, lease));
    state.holder = lease;
    if (options.renew === false) {
      state.expiry = setTimeout(() => {
        lease.markLost();
        this.vacate(state, lease);
      }, options.ttlMs).unref();
    }
    return lease;
  }

  /** Frees the resource if `lease` still holds it, and hands it to the first waiter. */
  private vacate(state: ResourceState, lease: Lease): void {
    if (state.holder !== lease) return;
    clearTimeout(state.expiry);
    state.holder = undefined;
    state.expiry = undefined;
    const next = state.queue[0];
    next?.grant();
  }

  private stateOf(resource: string): ResourceState {
    let state = this.resources.get(resource);
    if (!state) {
      state = { fence: 0, queue: [] };
      this.resources.set(resource, state);
    }
    return state;
  }
}
