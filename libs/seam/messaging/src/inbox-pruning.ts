import { INBOX_RECEIVED_AT_INDEX, MESSAGING_TABLES } from './messaging.tables.js';
import { forgetInSlices } from './periodic-prune.js';
import type { Sql } from './sql.js';

/** Entries one pruning statement deletes (or, walking, looks at): each holds SQLite's write lock briefly. */
const PRUNE_SLICE = 1_000;

/**
 * Deletes a module's inbox entries received before a cutoff (`Inbox.forget`), a slice per
 * statement, with a turn of the event loop between slices. With the inbox's `received_at` index
 * (`createInboxReceivedAtIndex`) a prune reads only what it deletes; without it, it walks the whole
 * inbox in key order.
 */
export class InboxPruning {
  private readonly table: string;
  private indexed?: Promise<boolean>;

  constructor(private readonly sql: Sql) {
    this.table = sql.table(MESSAGING_TABLES.inbox);
  }

  /** Whether the inbox has its `received_at` index: asked of the database once (again after a failure). */
  byIndex(): Promise<boolean> {
    this.indexed ??= this.sql.hasIndex(INBOX_RECEIVED_AT_INDEX).catch((error: unknown) => {
      this.indexed = undefined;
      throw error;
    });
    return this.indexed;
  }

  /** Deletes the entries received before `before`; answers how many. Stops after a slice once `signal` is aborted. */
  async forget(before: Date, signal?: AbortSignal): Promise<number> {
    const cutoff = before.toISOString();
    return (await this.byIndex()) ? this.forgetByIndex(cutoff, signal) : this.walk(cutoff, signal);
  }

  private async forgetByIndex(cutoff: string, signal?: AbortSignal): Promise<number> {
    // On PostgreSQL, entries another replica's prune is deleting are skipped, not waited for (its
    // commit deletes them): two DELETEs waiting on each other's rows deadlocked in the test of two
    // prunes at once. A slice short of full means that nothing old is left but what others hold.
    // The rows are named by their physical address (ctid, rowid): the outer DELETE then fetches each
    // directly, whatever the planner thinks of the table's size.
    const text = this.sql.postgres
      ? `DELETE FROM ${this.table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${this.table} WHERE received_at < :1 LIMIT ${PRUNE_SLICE} FOR UPDATE SKIP LOCKED)) RETURNING consumer`
      : `DELETE FROM ${this.table} WHERE rowid IN (SELECT rowid FROM ${this.table} WHERE received_at < :1 LIMIT ${PRUNE_SLICE}) RETURNING consumer`;
    return forgetInSlices(async () => (await this.sql.rows(text, [cutoff])).length, PRUNE_SLICE, signal);
  }

  /**
   * The prune of an inbox without the index: slices of the primary key, consumer by consumer —
   * a range over both key columns at once, `(consumer, event_id) > (…)`, made PostgreSQL scan a
   * consumer's whole range for every slice (100 ms a slice with a million entries), where an equal
   * consumer and a range of event ids is a plain index range everywhere.
   */
  private async walk(cutoff: string, signal?: AbortSignal): Promise<number> {
    let forgotten = 0;
    let consumer = '';
    for (;;) {
      const [next] = await this.sql.rows<{ consumer: string }>(
        `SELECT consumer FROM ${this.table} WHERE consumer > :1 ORDER BY consumer LIMIT 1`,
        [consumer],
      );
      if (!next || signal?.aborted) return forgotten;
      consumer = next.consumer;
      forgotten += await this.walkConsumer(consumer, cutoff, signal);
    }
  }

  private async walkConsumer(consumer: string, cutoff: string, signal?: AbortSignal): Promise<number> {
    let after = '';
    let forgotten = 0;
    for (;;) {
      // The slice's last key: none when fewer entries are left, and then the slice is all of them.
      const [last] = await this.sql.rows<{ event_id: string }>(
        `SELECT event_id FROM ${this.table} WHERE consumer = :1 AND event_id > :2 ORDER BY event_id LIMIT 1 OFFSET :3`,
        [consumer, after, PRUNE_SLICE - 1],
      );
      const deleted = last
        ? await this.deleteWalked(`consumer = :1 AND event_id > :2 AND event_id <= :3 AND received_at < :4`, [
            consumer,
            after,
            last.event_id,
            cutoff,
          ])
        : await this.deleteWalked(`consumer = :1 AND event_id > :2 AND received_at < :3`, [consumer, after, cutoff]);
      forgotten += deleted;
      await nextTurn();
      if (!last || signal?.aborted) return forgotten;
      after = last.event_id;
    }
  }

  /** Deletes the old entries of a walked slice; answers how many. */
  private async deleteWalked(where: string, values: unknown[]): Promise<number> {
    // FOR UPDATE SKIP LOCKED on PostgreSQL: as in forgetByIndex (each walk cuts its own slices).
    const deleted = await this.sql.rows(
      this.sql.postgres
        ? `DELETE FROM ${this.table} WHERE (consumer, event_id) IN (SELECT consumer, event_id FROM ${this.table} WHERE ${where} FOR UPDATE SKIP LOCKED) RETURNING consumer`
        : `DELETE FROM ${this.table} WHERE ${where} RETURNING consumer`,
      values,
    );
    return deleted.length;
  }
}

/**
 * A turn of the event loop. SQLite's driver is synchronous: without one between slices a prune
 * would hold the loop from start to end (6 s for a million entries walked, measured) — requests,
 * timers and the relay all waiting.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
