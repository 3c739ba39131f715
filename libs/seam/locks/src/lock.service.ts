import { ConflictError, ValidationError } from '@seam/transport';

/**
 * A fencing token: a positive safe integer, strictly increasing per resource across every
 * acquisition, every holder and every {@link LockService} instance that shares the same store.
 * A `number` rather than a `bigint` so that it stays JSON-safe and can travel in contract DTOs to
 * the resource it protects. Do not assume small values: Redis tokens start from its clock in µs,
 * so that they keep increasing after Redis loses its data (see {@link RedisLockService}).
 */
export type FencingToken = number;

/** Options of {@link LockService.acquire}. */
export interface AcquireOptions {
  /**
   * Lease length in ms, an integer from 1 to 2^31 − 1 (`MAX_LOCK_DURATION_MS`, about 24.8 days:
   * what a Node.js timer can wait). A holder that is not renewed within it loses the lock, and the
   * next acquirer gets it with a larger token. It bounds how long a crashed or frozen holder blocks others.
   */
  ttlMs: number;
  /** How long to wait for a held lock before giving up: integer ms, 0 to 2^31 − 1 (default 0: try once). */
  waitMs?: number;
  /** Aborts the wait: `acquire` rejects with the signal's reason. No effect once acquired. */
  signal?: AbortSignal;
  /**
   * Renew the lease every `ttlMs / 3` while held and not released (default true). With `false`
   * the lock is lost `ttlMs` after acquisition, whatever the holder is doing.
   */
  renew?: boolean;
}

/**
 * A held lock. Mutual exclusion ends when the lease ends, not when the holder notices: any write
 * the lock protects must carry {@link Lock.token} to a resource that refuses older tokens
 * (see {@link FencedMemoryStore} and {@link assertFreshToken}).
 */
export interface Lock {
  /** The locked resource name. */
  readonly resource: string;
  /** The fencing token of this acquisition. */
  readonly token: FencingToken;
  /**
   * True once the lease is known to be gone (expired, taken over, deleted, or not renewed in
   * time). Never goes back to false. False after a normal {@link Lock.release}.
   */
  readonly lost: boolean;
  /** Calls `listener` once when the lock is lost; at once if it already is. Never after release. */
  onLost(listener: () => void): void;
  /**
   * Releases the lock if this holder still owns it; idempotent. Releasing a lost lock is a no-op
   * that never touches the lease of whoever holds the resource now.
   */
  release(): Promise<void>;
}

/**
 * Mutual exclusion with fencing tokens. Two implementations share this API and its semantics:
 * {@link InProcessLockService} (one process, the monolith) and {@link RedisLockService} (every
 * process that shares one Redis).
 */
export interface LockService {
  /**
   * Acquires `resource`, waiting up to `options.waitMs`.
   * @throws InvalidLockOptionError (a `ValidationError`) when `ttlMs` or `waitMs` is out of range,
   *   before anything is asked of the store.
   * @throws LockUnavailableError (a `ConflictError`) when still held by someone else after the wait.
   * @throws the signal's reason when `options.signal` aborts first.
   * @throws `UnavailableError`-like transport errors of the store (Redis down) as they come.
   */
  acquire(resource: string, options: AcquireOptions): Promise<Lock>;
}

/** `acquire` gave up: the resource stayed held for the whole wait. Retryable later. */
export class LockUnavailableError extends ConflictError {
  constructor(resource: string, waitedMs: number) {
    super(`Lock on "${resource}" is held by someone else`, { resource, waitedMs });
  }
}

/**
 * An option of `acquire` is out of range (`ttlMs` or `waitMs` not an integer in its range: 0,
 * fractions, negatives, NaN, or beyond what a timer can wait). Names the option and the value it
 * got. Not retryable: the caller's code is wrong.
 */
export class InvalidLockOptionError extends ValidationError {
  constructor(option: string, value: unknown, rule: string) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    super(`Lock option ${option} must be ${rule}, got ${shown}`, [{ path: option, messages: [rule] }], {
      option,
      value: shown,
    });
  }
}
