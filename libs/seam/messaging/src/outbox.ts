import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  assertTransmittable,
  type CallContext,
  currentCallContext,
  DEFAULT_MAX_MESSAGE_BYTES,
  type EventEntry,
  validatePayload,
} from '@seam/transport';
import type { EventSubscribers } from './event-subscribers.js';
import { MESSAGING_TABLES } from './messaging.tables.js';
import type { Sql } from './sql.js';

/** Options of {@link Outbox.add}. */
export interface OutboxAddOptions {
  /**
   * The aggregate the event is about (an order id, a sku…): events of one aggregate reach each
   * consumer in the order they were added. Required — an event is always about something.
   */
  aggregateId: string;
  /** The call the event is raised within (its trace travels with the event; default: the current one). */
  parent?: CallContext;
}

/**
 * A module's transactional outbox. `add` writes an integration event in the caller's database
 * transaction, next to the state change it reports: both commit or neither does. The module's
 * relay then delivers it to every subscribing module its contract admits, at least once.
 */
export class Outbox {
  /** The outbox table's qualified name (in the aggregate lock's key, on PostgreSQL). */
  private readonly table: string;
  /** The insert of an event, in the database's dialect. */
  private readonly insert: string;

  constructor(
    /** The module whose outbox this is. */
    readonly module: string,
    private readonly sql: Sql,
    private readonly onAdded: () => void,
    /** The module's contract's subscriber lists, when its messaging was given the contract. */
    private readonly subscribers?: EventSubscribers,
  ) {
    this.table = sql.table(MESSAGING_TABLES.outbox);
    const columns = `${this.table} (event_id, aggregate_id, pattern, payload, traceparent, created_at, attempts, delivered_to, next_attempt_at)`;
    // The seq (the order the relay delivers an aggregate's events in) is drawn once the aggregate's
    // lock is held, so an aggregate's seqs follow its commits. The two-key advisory lock (outbox,
    // aggregate) is a key space apart from the one-key locks of migrations and data moves. In
    // the statement itself: no round trip more per event. SQLite needs none, its writers being
    // serialized by the database's write lock from BEGIN (IMMEDIATE) to commit.
    this.insert = sql.postgres
      ? `INSERT INTO ${columns} SELECT :1, :2, :3, :4, :5, :6, 0, '', 0
         FROM (SELECT pg_advisory_xact_lock(hashtext(:7), hashtext(:2))) AS aggregate_turn`
      : `INSERT INTO ${columns} VALUES (:1, :2, :3, :4, :5, :6, 0, '', 0)`;
  }

  /**
   * Adds an event of this module's contract to the outbox, within `manager`'s transaction.
   * The event id is the payload's `id` when it has a string one, a new UUID otherwise.
   *
   * On PostgreSQL the add takes a lock on the aggregate, held to the end of the transaction: another
   * transaction adding an event of the same aggregate waits for this one to commit or roll back.
   * Without it the later event could commit first and be delivered before the earlier one. Writers
   * that lock the aggregate's row before adding (as they should) never wait on it; one that adds
   * events of several aggregates should add them in a fixed order, as it would lock their rows.
   *
   * @returns the event id.
   * @throws TypeError when `manager` is not in a transaction (the event would be kept though the
   *   state change it reports rolled back), or `entry` is not an event of this module (of its
   *   contract, with the same subscribers, when its messaging was given the contract: the relay
   *   delivers by the contract).
   * @throws TypeError when the event id or aggregate id is longer than its column (64 and 100
   *   characters: PostgreSQL refuses such a row, SQLite would keep it).
   * @throws ValidationError when the payload breaks the contract, or its delivery would be larger
   *   than the transports carry (`DEFAULT_MAX_MESSAGE_BYTES`, which no deployment raises).
   */
  async add<P>(manager: EntityManager, entry: EventEntry<P>, payload: P, options: OutboxAddOptions): Promise<string> {
    if (entry?.kind !== 'event' || entry.module !== this.module) {
      throw new TypeError(
        `The outbox of "${this.module}" takes events of its own contract, not ${entry?.pattern ?? String(entry)}`,
      );
    }
    if (this.subscribers && !this.subscribers.declares(entry)) {
      throw new TypeError(
        `The outbox of "${this.module}" takes events as its contract declares them; ${entry.pattern} is not one, or names other subscribers`,
      );
    }
    // Outside a transaction the insert would commit at once, whatever becomes of the state change.
    if (!manager?.queryRunner?.isTransactionActive)
      throw new TypeError(`An event is added within the transaction of the change it reports (${entry.pattern})`);
    if (!options?.aggregateId)
      throw new TypeError(`An event needs the id of the aggregate it is about (${entry.pattern})`);
    // Refused now, with the state change, rather than dead-lettered by every consumer later.
    validatePayload(entry.payload, payload);
    const id = (payload as { id?: unknown }).id;
    const eventId = typeof id === 'string' && id.length > 0 ? id : randomUUID();
    assertFits(entry.pattern, 'event id', eventId, 64);
    assertFits(entry.pattern, 'aggregate id', options.aggregateId, 100);
    // Every transport refuses a delivery over its limit, in-process too, as invalid: the event
    // would be dead-lettered at its first attempt. The envelope is the relay's, with the longest attempt.
    const delivery = { eventId, pattern: entry.pattern, aggregateId: options.aggregateId, attempt: 2 ** 53, payload };
    assertTransmittable(delivery, DEFAULT_MAX_MESSAGE_BYTES);
    const traceparent = (options.parent ?? currentCallContext())?.traceparent ?? null;
    const values = [eventId, options.aggregateId, entry.pattern, JSON.stringify(payload), traceparent];
    await this.sql.rows(this.insert, [...values, new Date().toISOString(), this.table], manager);
    this.onAdded();
    return eventId;
  }
}

/** Refuses an id longer than its column holds (counted in characters, as the column counts them). */
function assertFits(pattern: string, what: string, value: string, max: number): void {
  if (value.length > max && [...value].length > max)
    throw new TypeError(`The ${what} of an event must be at most ${max} characters (${pattern})`);
}
