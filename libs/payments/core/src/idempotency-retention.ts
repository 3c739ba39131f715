import { MAX_BUDGET_MS } from '@seam/transport';
import { abandonedAfterMs } from './infrastructure/abandoned-claim.js';

/** A day, in ms: retentions are whole days. */
export const DAY_MS = 86_400_000;

/**
 * How long an idempotency key is kept after its last write, by default: 30 days. Within it a
 * repeated request gets the first answer; after it the key is forgotten. Safe by a wide margin
 * against every way the same request comes again:
 *
 * - a call's own retries (call policy: 3 attempts within the call's deadline, 5 s by default) and
 *   any copy of a request still in a transport: a call's budget is at most a day
 *   (`MAX_BUDGET_MS`), and a request read after its budget ran out is refused at the door;
 * - the orders saga: a placement repeats its steps within its own deadline, and `SagaRecovery`
 *   retries an owed undo with the same keys (its backoff capped at a minute) until it succeeds —
 *   payments would have to be unreachable for 30 days before a key it still needs is gone;
 * - a cancel retried by its caller (the refund's key is the order's);
 * - events: payments' commands are calls, not events, but the longest any module remembers a
 *   delivery is the inbox's 14 days (relay retries for about 5 minutes, then a dead letter may be
 *   replayed by hand): 30 days outlasts it twice over.
 *
 * A key forgotten after that: an authorization repeated with it is a new one (a new payment); a
 * capture or refund repeated with it finds its payment already captured or refunded and is
 * refused as a conflict — never a second charge (see `settlementKey`).
 */
export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 30 * DAY_MS;

/**
 * The shortest retention: twice the longest call budget, so that no copy of a request still
 * allowed to run finds its key gone — and far above the default abandoned-claim threshold (30 s),
 * so that no claim whose request may still be running is pruned.
 */
export const MIN_IDEMPOTENCY_RETENTION_MS = 2 * MAX_BUDGET_MS;

/** The longest retention: ten years (a date that far back is still a date). */
export const MAX_IDEMPOTENCY_RETENTION_MS = 3_650 * DAY_MS;

/** How often keys older than the retention are deleted, in ms: hourly, as the inbox. */
export const IDEMPOTENCY_PRUNE_EVERY_MS = 3_600_000;

/**
 * The retention of `config` (the default when unset), checked.
 *
 * @throws RangeError naming `idempotencyRetentionMs` when it is not a whole number of ms from
 * {@link MIN_IDEMPOTENCY_RETENTION_MS} to {@link MAX_IDEMPOTENCY_RETENTION_MS}, or not longer than
 * the abandoned-claim threshold of `providerTimeoutMs` (a claim whose provider call may still
 * answer would be pruned, and its answer lost).
 */
export function idempotencyRetentionMs(config: { idempotencyRetentionMs?: number; providerTimeoutMs: number }): number {
  const retention = config.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS;
  if (
    !Number.isSafeInteger(retention) ||
    retention < MIN_IDEMPOTENCY_RETENTION_MS ||
    retention > MAX_IDEMPOTENCY_RETENTION_MS
  ) {
    throw new RangeError(
      `Payments idempotencyRetentionMs must be a whole number of ms from ${MIN_IDEMPOTENCY_RETENTION_MS} (2 days) to ${MAX_IDEMPOTENCY_RETENTION_MS} (10 years), got ${retention}`,
    );
  }
  const abandoned = abandonedAfterMs(config.providerTimeoutMs);
  if (retention <= abandoned) {
    throw new RangeError(
      `Payments idempotencyRetentionMs (${retention}) must be longer than the abandoned-claim threshold of providerTimeoutMs ${config.providerTimeoutMs} (${abandoned} ms)`,
    );
  }
  return retention;
}
