import { ConflictError } from '@seam/transport';
import type { FencingToken } from './lock.service.js';

/** A write carried a fencing token older than one the resource has already accepted. Not retryable. */
export class StaleTokenError extends ConflictError {
  constructor(resource: string, token: FencingToken, highest: FencingToken) {
    super(`Stale fencing token ${token} for "${resource}" (already saw ${highest})`, { resource, token, highest });
  }
}

/**
 * The check a fenced resource makes before a write: `token` must be at least the highest token
 * it has accepted for `resource` (equal = the same holder writing again). Do the check and the
 * write atomically in the resource itself, e.g. in SQL:
 * `UPDATE stock SET qty = $1, fence = $2 WHERE sku = $3 AND fence <= $2` and treat 0 rows as stale.
 * Keep the token in a 64-bit column (`bigint` in PostgreSQL): tokens are µs-clock sized.
 * @throws StaleTokenError when `token < highest`.
 */
export function assertFreshToken(resource: string, token: FencingToken, highest: FencingToken | undefined): void {
  if (highest !== undefined && token < highest) throw new StaleTokenError(resource, token, highest);
}

/**
 * An in-memory fenced store: remembers the highest token seen per resource and refuses writes
 * carrying an older one. The reference implementation of the pattern (and the one tests use);
 * a real resource keeps the highest token next to the data it guards.
 */
export class FencedMemoryStore<T> {
  private readonly entries = new Map<string, { value: T; highest: FencingToken }>();

  /**
   * Writes `value` if `token` is fresh; synchronous and atomic.
   * @throws StaleTokenError when a newer holder has already written.
   */
  write(resource: string, value: T, token: FencingToken): void {
    assertFreshToken(resource, token, this.entries.get(resource)?.highest);
    this.entries.set(resource, { value, highest: token });
  }

  /** The last accepted value, or `undefined`. */
  read(resource: string): T | undefined {
    return this.entries.get(resource)?.value;
  }
}
