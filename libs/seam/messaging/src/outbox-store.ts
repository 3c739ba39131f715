import type { EntityManager } from 'typeorm';
import { inTransaction } from '@seam/persistence';
import { MESSAGING_TABLES } from './messaging.tables.js';
import type { Sql } from './sql.js';

/** An event taken from the outbox by a relay, to deliver. */
export interface ClaimedEvent {
  seq: number;
  eventId: string;
  aggregateId: string;
  pattern: string;
  payload: unknown;
  traceparent?: string;
  createdAt: string;
  /** Attempts so far, this one included. */
  attempts: number;
  /** Modules that already acknowledged it. */
  deliveredTo: string[];
}

/** A dead-lettered event, as listed by the dead-letter command. */
export interface DeadLetter {
  eventId: string;
  aggregateId: string;
  pattern: string;
  attempts: number;
  createdAt: string;
  failedAt: string;
  lastError: string;
  deliveredTo: string[];
}

/** Options of {@link OutboxStore.claim}. */
export interface ClaimOptions {
  /**
   * The clock, in ms since the epoch (default: now — on PostgreSQL, the database's clock, which all
   * replicas share).
   */
  now?: number;
  /**
   * The caller has reason to expect due events (an add woke it, or its last claim was full): on
   * PostgreSQL the claim goes first, without the plain read that spares an idle outbox a write —
   * one round trip less per round when the relay keeps up with a busy module.
   */
  eventsLikely?: boolean;
}

type Row = Record<string, unknown>;

const COLUMNS = 'event_id, aggregate_id, pattern, payload, traceparent, created_at, attempts, delivered_to, last_error';

/**
 * The outbox's rows, as the relay and the dead-letter command see them. Every write is one
 * transaction, and every step of a delivery is guarded by the claim, so that a relay that lost
 * its lease cannot overwrite what another relay did since.
 *
 * On PostgreSQL, leases and retry times are read and written on the database's clock (`Sql.clock`):
 * replicas whose clocks disagree by more than a lease would otherwise take over each other's live
 * claims (delivering an event twice at once), and a relay whose clock runs behind another's would
 * set retries the other finds due at once (a failing event dead-lettered in seconds, not minutes).
 */
export class OutboxStore {
  private readonly outbox: string;
  private readonly dead: string;

  constructor(private readonly sql: Sql) {
    this.outbox = sql.table(MESSAGING_TABLES.outbox);
    this.dead = sql.table(MESSAGING_TABLES.deadLetters);
  }

  /**
   * Claims up to `limit` events for `relay` until `now + leaseMs`: due, not claimed by a live
   * lease, and each the oldest left of its aggregate (so an aggregate's events go one at a time,
   * in order). PostgreSQL skips rows another relay is claiming (`FOR UPDATE SKIP LOCKED`); on
   * SQLite the claim runs under the database's write lock, which serializes relays.
   */
  async claim(relay: string, limit: number, leaseMs: number, options: ClaimOptions = {}): Promise<ClaimedEvent[]> {
    const now = this.sql.clockValue(options.now);
    const clock = this.sql.clock(':1');
    // A plain read first: an idle outbox then costs no write transaction (on SQLite, the claim's
    // write lock would make every poll contend with the module's own writes, so SQLite always reads
    // first; there the read is a call into the process, not a round trip).
    if (!options.eventsLikely || !this.sql.postgres) {
      const due = await this.sql.rows(
        `SELECT seq FROM ${this.outbox} WHERE next_attempt_at <= ${clock} AND (claimed_until IS NULL OR claimed_until < ${clock}) LIMIT 1`,
        [now],
      );
      if (due.length === 0) return [];
    }
    const lock = this.sql.postgres ? 'FOR UPDATE SKIP LOCKED' : '';
    const at = this.sql.clock(':3');
    const rows = await this.oneStatement((manager) =>
      this.sql.rows<Row>(
        `UPDATE ${this.outbox} SET claimed_by = :1, claimed_until = ${at} + :2, attempts = attempts + 1
         WHERE seq IN (
           SELECT c.seq FROM ${this.outbox} c
           WHERE c.next_attempt_at <= ${at} AND (c.claimed_until IS NULL OR c.claimed_until < ${at})
             AND NOT EXISTS (SELECT 1 FROM ${this.outbox} p WHERE p.aggregate_id = c.aggregate_id AND p.seq < c.seq)
           ORDER BY c.seq LIMIT :4 ${lock})
         RETURNING seq, ${COLUMNS}`,
        [relay, leaseMs, now, limit],
        manager,
      ),
    );
    return rows.map(toClaimed).toSorted((a, b) => a.seq - b.seq);
  }

  /**
   * Removes delivered events in one statement (one commit for a whole batch, where one per event
   * made completion half of the relay's commits). Answers how many it removed: an event `relay` no
   * longer held (another relay took it over after its lease ran out) is left alone.
   */
  async complete(events: readonly ClaimedEvent[], relay: string): Promise<number> {
    if (events.length === 0) return 0;
    const seqs = events.map((event) => event.seq);
    const markers = seqs.map((_, index) => `:${index + 2}`).join(', ');
    const rows = await this.oneStatement((manager) =>
      this.sql.rows(
        `DELETE FROM ${this.outbox} WHERE claimed_by = :1 AND seq IN (${markers}) RETURNING seq`,
        [relay, ...seqs],
        manager,
      ),
    );
    return rows.length;
  }

  /**
   * Records a failed attempt: who got it so far, the error, and when to try again — in `retryInMs`,
   * on the clock claims are taken by (see the class).
   */
  async retryLater(
    event: ClaimedEvent,
    relay: string,
    deliveredTo: string[],
    error: string,
    retryInMs: number,
  ): Promise<void> {
    await this.oneStatement((manager) =>
      this.sql.rows(
        `UPDATE ${this.outbox} SET claimed_by = NULL, claimed_until = NULL, delivered_to = :1, last_error = :2, next_attempt_at = ${this.sql.clock(':6')} + :3
         WHERE seq = :4 AND claimed_by = :5 RETURNING seq`,
        [deliveredTo.join(','), error.slice(0, 2_000), retryInMs, event.seq, relay, this.sql.clockValue()],
        manager,
      ),
    );
  }

  /** Moves an event that failed for good to the dead-letter table, in one transaction. */
  async deadLetter(event: ClaimedEvent, relay: string, deliveredTo: string[], error: string): Promise<void> {
    await inTransaction(this.sql.dataSource, async (manager) => {
      const moved = await this.sql.rows(
        `DELETE FROM ${this.outbox} WHERE seq = :1 AND claimed_by = :2 RETURNING seq`,
        [event.seq, relay],
        manager,
      );
      if (moved.length === 0) return;
      await this.sql.rows(
        `INSERT INTO ${this.dead} (seq, ${COLUMNS}, failed_at) VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11)`,
        [
          event.seq,
          event.eventId,
          event.aggregateId,
          event.pattern,
          JSON.stringify(event.payload),
          event.traceparent ?? null,
          event.createdAt,
          event.attempts,
          deliveredTo.join(','),
          error.slice(0, 2_000),
          new Date().toISOString(),
        ],
        manager,
      );
    });
  }

  /**
   * Runs one write statement atomically. On SQLite in a transaction although it is one statement:
   * that is what takes the module's connection in turn (an autocommit statement could land inside
   * another caller's transaction). On PostgreSQL a statement is atomic by itself, and `BEGIN` and
   * `COMMIT` around it would cost two more round trips each time the relay claims or completes.
   */
  private oneStatement<T>(statement: (manager?: EntityManager) => Promise<T>): Promise<T> {
    return this.sql.postgres ? statement() : inTransaction(this.sql.dataSource, statement);
  }

  /** Events not yet delivered to every subscriber (for metrics and tests). */
  async pendingCount(): Promise<number> {
    const [row] = await this.sql.rows<Row>(`SELECT COUNT(*) AS n FROM ${this.outbox}`, []);
    return Number(row?.n ?? 0);
  }

  /** Events in the dead-letter table, waiting for an operator (for metrics). */
  async deadLetterCount(): Promise<number> {
    const [row] = await this.sql.rows<Row>(`SELECT COUNT(*) AS n FROM ${this.dead}`, []);
    return Number(row?.n ?? 0);
  }

  /** The dead letters, oldest first. */
  async deadLetters(): Promise<DeadLetter[]> {
    const rows = await this.sql.rows<Row>(`SELECT ${COLUMNS}, failed_at FROM ${this.dead} ORDER BY seq`, []);
    return rows.map((row) => ({
      eventId: String(row.event_id),
      aggregateId: String(row.aggregate_id),
      pattern: String(row.pattern),
      attempts: Number(row.attempts),
      createdAt: String(row.created_at),
      failedAt: String(row.failed_at),
      lastError: String(row.last_error ?? ''),
      deliveredTo: splitList(row.delivered_to),
    }));
  }

  /**
   * Puts dead letters back in the outbox with fresh attempts (all of them when `eventIds` is
   * undefined), keeping their event ids — a consumer that already applied one skips it while its
   * inbox still holds the entry (`retentionMs`, 14 days by default; after that it would apply it
   * again) — and the modules they already reached, which it is not sent to again. Answers the ids
   * replayed; unknown ids are ignored. Two replays at once (two operators, or the command run
   * against two replicas) put each letter back once.
   */
  async replay(eventIds?: string[]): Promise<string[]> {
    return inTransaction(this.sql.dataSource, async (manager) => {
      const dead = await this.sql.rows<Row>(`SELECT event_id FROM ${this.dead} ORDER BY seq`, [], manager);
      const chosen = dead
        .map((row) => String(row.event_id))
        .filter((eventId) => !eventIds || eventIds.includes(eventId));
      const replayed: string[] = [];
      for (const eventId of chosen) {
        // Taken by deleting it first: the row a concurrent replay already deleted comes back empty
        // here (PostgreSQL waits for that replay's commit, then sees the row gone), so the letter
        // is not put back twice — which, once the first copy was delivered and removed, not even
        // the outbox's unique event id would stop.
        const [row] = await this.sql.rows<Row>(
          `DELETE FROM ${this.dead} WHERE event_id = :1 RETURNING ${COLUMNS}`,
          [eventId],
          manager,
        );
        if (!row) continue;
        // A new seq: it goes after the aggregate's events still waiting, which it may now precede
        // in time only — the order it was written in was already broken when it died.
        await this.sql.rows(
          `INSERT INTO ${this.outbox} (event_id, aggregate_id, pattern, payload, traceparent, created_at, attempts, delivered_to, last_error, next_attempt_at)
           VALUES (:1, :2, :3, :4, :5, :6, 0, :7, :8, 0)`,
          [
            row.event_id,
            row.aggregate_id,
            row.pattern,
            row.payload,
            row.traceparent,
            row.created_at,
            row.delivered_to,
            row.last_error,
          ],
          manager,
        );
        replayed.push(eventId);
      }
      return replayed;
    });
  }
}

function toClaimed(row: Row): ClaimedEvent {
  return {
    seq: Number(row.seq),
    eventId: String(row.event_id),
    aggregateId: String(row.aggregate_id),
    pattern: String(row.pattern),
    payload: JSON.parse(String(row.payload)) as unknown,
    ...(row.traceparent ? { traceparent: String(row.traceparent) } : {}),
    createdAt: String(row.created_at),
    attempts: Number(row.attempts),
    deliveredTo: splitList(row.delivered_to),
  };
}

function splitList(value: unknown): string[] {
  return typeof value === 'string' && value.length > 0 ? value.split(',') : [];
}
