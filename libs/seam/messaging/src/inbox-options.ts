/** How an `Inbox` groups the events it applies, and how long it keeps its entries. */
export interface InboxOptions {
  /**
   * Most events applied in one transaction when several arrive at once (a relay delivers a
   * claimed batch together); 1 gives every event its own transaction.
   */
  maxGroupSize: number;
  /**
   * On PostgreSQL, how long a grouped transaction waits for a row lock, in ms, before it gives up
   * and its events are applied one by one (see `Inbox.once`).
   */
  groupLockTimeoutMs: number;
  /**
   * How long an entry is kept, in ms: an event delivered again after that would be applied again.
   * Keep it longer than any producer's relay retries an event (about 5 minutes by default) and
   * than a dead letter may wait before it is replayed (`npm run dead-letters`): a replay skips the
   * modules that acknowledged the event, but a consumer that applied it and whose acknowledgement
   * was lost is only protected by its entry.
   */
  retentionMs: number;
  /** How often entries older than `retentionMs` are deleted, in ms (while the app runs). */
  pruneEveryMs: number;
}

const HOUR_MS = 3_600_000;

/**
 * Defaults: groups of up to 16 events; a group waits at most 100 ms for a lock; entries are kept
 * 14 days, and the older ones deleted every hour.
 */
export const DEFAULT_INBOX_OPTIONS: InboxOptions = {
  maxGroupSize: 16,
  groupLockTimeoutMs: 100,
  retentionMs: 14 * 24 * HOUR_MS,
  pruneEveryMs: HOUR_MS,
};

/** Largest group: at three parameters per entry, its statement stays far below SQLite's limit of 32,766. */
const MAX_GROUP_SIZE = 1_000;

/** Shortest retention: well past the relay's default retry horizon (about 5 minutes). */
const MIN_RETENTION_MS = HOUR_MS;

/** Longest prune interval: what a Node.js timer can wait (about 24.8 days). */
const MAX_PRUNE_EVERY_MS = 2 ** 31 - 1;

/**
 * The defaults overridden by `overrides`, checked.
 *
 * @throws RangeError naming an option that is not a positive integer, or out of its range.
 */
export function inboxOptions(overrides: Partial<InboxOptions> = {}): InboxOptions {
  const options = { ...DEFAULT_INBOX_OPTIONS, ...overrides };
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`Inbox option ${name} must be a positive integer, got ${value}`);
  }
  if (options.maxGroupSize > MAX_GROUP_SIZE)
    throw new RangeError(`Inbox option maxGroupSize must be at most ${MAX_GROUP_SIZE}, got ${options.maxGroupSize}`);
  if (options.retentionMs < MIN_RETENTION_MS)
    throw new RangeError(
      `Inbox option retentionMs must be at least ${MIN_RETENTION_MS} (an hour: events are redelivered for minutes after a lost acknowledgement), got ${options.retentionMs}`,
    );
  if (options.pruneEveryMs > MAX_PRUNE_EVERY_MS)
    throw new RangeError(
      `Inbox option pruneEveryMs must be at most ${MAX_PRUNE_EVERY_MS}, got ${options.pruneEveryMs}`,
    );
  return options;
}
