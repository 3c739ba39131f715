import { MAX_BUDGET_MS } from '@seam/transport';

/** How long the inventory remembers what it no longer holds. */
export interface InventoryConfig {
  /**
   * How long a released reservation (a tombstone included) is kept after its release, in ms
   * (default 30 days, at least 2; see {@link DEFAULT_RELEASED_RETENTION_MS} for why that is safe).
   */
  releasedRetentionMs?: number;
}

/**
 * Injection token of the {@link InventoryConfig}. The module provides it from the environment; an
 * app or a test replaces it to set the values directly.
 */
export const INVENTORY_CONFIG = Symbol.for('inventory.config');

const DAY_MS = 86_400_000;

/**
 * How long a released reservation is kept, by default: 30 days. While it is kept, a late or
 * repeated request for its order is answered as before: a reserve is refused (it was released —
 * the tombstone's whole point), a commit is refused, a release changes nothing and answers
 * `released`. Once it is gone, a release answers `released` with no lines and moves no stock (never
 * a second release); a commit is refused as not found (orders' recovery takes either refusal as
 * "go backward"); only a reserve would hold stock again. So the window must outlast the latest
 * reserve: a call's budget is at most a day (`MAX_BUDGET_MS`) and a request read after its budget
 * ran out is refused at the door, so a reserve arrives within a day of being sent — before the
 * release that wrote its order off. Orders never sends a reserve again afterwards (its recovery only
 * commits or releases); its retried undos (every minute at most, for as long as inventory is
 * unreachable) and a retried cancel are releases. 30 days outlasts all of that, and the inbox's 14
 * days (the longest any module remembers a delivery), by far.
 *
 * Committed reservations are never pruned: they are the order's sale, and a cancel — at any time —
 * puts their lines back on the shelf.
 */
export const DEFAULT_RELEASED_RETENTION_MS = 30 * DAY_MS;

/** The shortest retention: twice the longest call budget (see {@link DEFAULT_RELEASED_RETENTION_MS}). */
export const MIN_RELEASED_RETENTION_MS = 2 * MAX_BUDGET_MS;

/** The longest retention: ten years (a date that far back is still a date). */
export const MAX_RELEASED_RETENTION_MS = 3_650 * DAY_MS;

/**
 * The retention of `config` (the default when unset), checked.
 *
 * @throws RangeError naming `releasedRetentionMs` when it is not a whole number of ms from
 * {@link MIN_RELEASED_RETENTION_MS} to {@link MAX_RELEASED_RETENTION_MS}.
 */
export function releasedRetentionMs(config: InventoryConfig): number {
  const retention = config.releasedRetentionMs ?? DEFAULT_RELEASED_RETENTION_MS;
  if (
    !Number.isSafeInteger(retention) ||
    retention < MIN_RELEASED_RETENTION_MS ||
    retention > MAX_RELEASED_RETENTION_MS
  ) {
    throw new RangeError(
      `Inventory releasedRetentionMs must be a whole number of ms from ${MIN_RELEASED_RETENTION_MS} (2 days) to ${MAX_RELEASED_RETENTION_MS} (10 years), got ${retention}`,
    );
  }
  return retention;
}

/**
 * Reads the configuration from `INVENTORY_RELEASED_RETENTION_DAYS` (left out when unset or blank).
 *
 * @throws Error naming the variable when it is not a whole number of days from 2 to 3650.
 */
export function inventoryConfigFromEnv(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  const name = 'INVENTORY_RELEASED_RETENTION_DAYS';
  const raw = env[name]?.trim();
  if (!raw) return {};
  const [min, max] = [MIN_RELEASED_RETENTION_MS / DAY_MS, MAX_RELEASED_RETENTION_MS / DAY_MS];
  const days = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(days >= min && days <= max))
    throw new Error(`${name} must be a whole number of days from ${min} to ${max}, got "${raw}"`);
  return { releasedRetentionMs: days * DAY_MS };
}
