import type { EntityManager } from 'typeorm';
import { inTransaction } from '@seam/persistence';
import { MESSAGING_TABLES } from './messaging.tables.js';
import type { Sql } from './sql.js';

/**
 * A module's idempotent inbox. A consumer calls {@link Inbox.firstTime} in the transaction that
 * applies an event's effect: the `(consumer, event id)` row commits with the effect, so an event
 * delivered twice (a relay retried after a lost acknowledgement) is applied once.
 */
export class Inbox {
  private readonly table: string;

  constructor(private readonly sql: Sql) {
    this.table = sql.table(MESSAGING_TABLES.inbox);
  }

  /**
   * Records that `consumer` takes event `eventId`, within `manager`'s transaction. True the first
   * time; false when it was already recorded (then skip the effect). A concurrent duplicate
   * waits for the first transaction and then gets false.
   */
  async firstTime(manager: EntityManager, consumer: string, eventId: string): Promise<boolean> {
    if (!consumer || !eventId) throw new TypeError('An inbox entry needs a consumer and an event id');
    // ON CONFLICT DO NOTHING rather than catching a unique violation: on PostgreSQL a failed
    // statement aborts the whole transaction, and the effect with it.
    const rows = await this.sql.rows(
      `INSERT INTO ${this.table} (consumer, event_id, received_at) VALUES (:1, :2, :3) ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, eventId, new Date().toISOString()],
      manager,
    );
    return rows.length === 1;
  }

  /**
   * Applies an event's effect once: in one transaction, records `(consumer, eventId)` and runs
   * `effect` — or does nothing when the event was already applied. Answers whether it ran.
   */
  async once(consumer: string, eventId: string, effect: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    return inTransaction(this.sql.dataSource, async (manager) => {
      if (!(await this.firstTime(manager, consumer, eventId))) return false;
      await effect(manager);
      return true;
    });
  }
}
