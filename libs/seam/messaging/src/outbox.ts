import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type CallContext, currentCallContext, type EventEntry, validatePayload } from '@seam/transport';
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
  constructor(
    /** The module whose outbox this is. */
    readonly module: string,
    private readonly sql: Sql,
    private readonly onAdded: () => void,
    /** The module's contract's subscriber lists, when its messaging was given the contract. */
    private readonly subscribers?: EventSubscribers,
  ) {}

  /**
   * Adds an event of this module's contract to the outbox, within `manager`'s transaction.
   * The event id is the payload's `id` when it has a string one, a new UUID otherwise.
   *
   * @returns the event id.
   * @throws TypeError when `entry` is not an event of this module (of its contract, with the same
   *   subscribers, when its messaging was given the contract: the relay delivers by the contract).
   * @throws ValidationError when the payload breaks the contract (nothing is written).
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
    if (!options?.aggregateId)
      throw new TypeError(`An event needs the id of the aggregate it is about (${entry.pattern})`);
    // Refused now, with the state change, rather than dead-lettered by every consumer later.
    validatePayload(entry.payload, payload);
    const id = (payload as { id?: unknown }).id;
    const eventId = typeof id === 'string' && id.length > 0 ? id : randomUUID();
    const traceparent = (options.parent ?? currentCallContext())?.traceparent ?? null;
    await this.sql.rows(
      `INSERT INTO ${this.sql.table(MESSAGING_TABLES.outbox)} (event_id, aggregate_id, pattern, payload, traceparent, created_at, attempts, delivered_to, next_attempt_at)
       VALUES (:1, :2, :3, :4, :5, :6, 0, '', 0)`,
      [eventId, options.aggregateId, entry.pattern, JSON.stringify(payload), traceparent, new Date().toISOString()],
      manager,
    );
    this.onAdded();
    return eventId;
  }
}
