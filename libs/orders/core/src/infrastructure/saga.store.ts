import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Sql } from '@seam/messaging';
import { inTransaction } from '@seam/persistence';

/** One line of a saga's log: a step or a compensation, and how it went. */
export interface SagaStepRecord {
  step: string;
  outcome: 'done' | 'failed' | 'undone' | 'undo-failed' | 'resumed';
  detail?: string;
}

/** A logged step, as read back. */
export interface LoggedStep extends SagaStepRecord {
  at: string;
}

type Row = Record<string, unknown>;

/**
 * The place-order saga's state, next to the orders in the module's database. A saga row exists
 * while a placement runs or owes an undo, and is written in the same transactions as the order
 * (see `OrderRepository`), so the two never disagree. Its lease says who drives it: the placing
 * call first, then — when that call's process died — whichever recovery claims it.
 *
 * Leases are given as durations and taken on the database's clock on PostgreSQL (`Sql.clock`):
 * with each replica's own clock, a replica running ahead by more than a lease claimed sagas
 * another was still driving, and both resumed them at once. An explicit `now` (tests) is honoured.
 */
@Injectable()
export class SagaStore {
  private readonly sql: Sql;
  private readonly sagas: string;
  private readonly steps: string;

  constructor(@InjectDataSource('orders') dataSource: DataSource) {
    this.sql = new Sql(dataSource);
    this.sagas = this.sql.table('order_saga');
    this.steps = this.sql.table('order_saga_step');
  }

  /** Opens the saga of a new placement, held by the placing call for `leaseMs`. */
  async open(manager: EntityManager, orderId: string, leaseMs: number, now?: number): Promise<void> {
    await this.sql.rows(
      `INSERT INTO ${this.sagas} (order_id, lease_until, recoveries, created_at) VALUES (:1, ${this.sql.clock(':4')} + :2, 0, :3)`,
      [orderId, leaseMs, new Date().toISOString(), this.sql.clockValue(now)],
      manager,
    );
  }

  /**
   * Opens a saga for an order that already has its row — a cancellation under way — held by the
   * cancelling call for `leaseMs`; a saga already open (another cancel of the same order, or one
   * left to the recovery) is kept as it is.
   */
  async openIfAbsent(manager: EntityManager, orderId: string, leaseMs: number, now?: number): Promise<void> {
    await this.sql.rows(
      `INSERT INTO ${this.sagas} (order_id, lease_until, recoveries, created_at) VALUES (:1, ${this.sql.clock(':4')} + :2, 0, :3)
       ON CONFLICT (order_id) DO NOTHING`,
      [orderId, leaseMs, new Date().toISOString(), this.sql.clockValue(now)],
      manager,
    );
  }

  /** Ends a saga: nothing is left to do for its order. */
  async close(manager: EntityManager, orderId: string): Promise<void> {
    await this.sql.rows(`DELETE FROM ${this.sagas} WHERE order_id = :1 RETURNING order_id`, [orderId], manager);
  }

  /**
   * Ends the saga of an order already final, with its last log lines, in a transaction of its
   * own: the order's row is left as it is (writing back a copy read earlier could undo a change
   * made since, such as a cancellation's).
   */
  async closeFinished(orderId: string, records: readonly SagaStepRecord[]): Promise<void> {
    await inTransaction(this.sql.dataSource, async (manager) => {
      await this.log(manager, orderId, records);
      await this.close(manager, orderId);
    });
  }

  /**
   * Appends to a saga's log, in one statement (none for no records): an order's transactions end
   * with it, and it can carry their commit (see `commitWith`).
   */
  async log(manager: EntityManager, orderId: string, records: readonly SagaStepRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Rows take their `seq` in the order of the VALUES list: the log reads back in this order.
    const rows = records.map((_, index) => `(:1, :${3 * index + 3}, :${3 * index + 4}, :${3 * index + 5}, :2)`);
    await this.sql.rows(
      `INSERT INTO ${this.steps} (order_id, step, outcome, detail, at) VALUES ${rows.join(', ')}`,
      [
        orderId,
        new Date().toISOString(),
        ...records.flatMap((record) => [record.step, record.outcome, record.detail ?? null]),
      ],
      manager,
    );
  }

  /** A saga's log, in order. */
  async logOf(orderId: string): Promise<LoggedStep[]> {
    const rows = await inTransaction(this.sql.dataSource, (manager) =>
      this.sql.rows<Row>(
        `SELECT step, outcome, detail, at FROM ${this.steps} WHERE order_id = :1 ORDER BY seq`,
        [orderId],
        manager,
      ),
    );
    return rows.map((row) => {
      const step: LoggedStep = {
        step: String(row.step),
        outcome: row.outcome as SagaStepRecord['outcome'],
        at: String(row.at),
      };
      if (row.detail) step.detail = String(row.detail);
      return step;
    });
  }

  /**
   * Claims up to `limit` sagas whose lease ran out (their driver died or gave up) for `owner`
   * for `leaseMs`, and answers their order ids and how many recoveries each has had. PostgreSQL
   * skips rows another recovery is claiming; SQLite serializes claims under its write lock.
   */
  async claimStale(
    owner: string,
    limit: number,
    leaseMs: number,
    now?: number,
  ): Promise<Array<{ orderId: string; recoveries: number }>> {
    const at = this.sql.clockValue(now);
    // A plain read first, so that a quiet poll takes no write lock (see OutboxStore.claim).
    const stale = await this.sql.rows(
      `SELECT order_id FROM ${this.sagas} WHERE lease_until < ${this.sql.clock(':1')} LIMIT 1`,
      [at],
    );
    if (stale.length === 0) return [];
    const lock = this.sql.postgres ? 'FOR UPDATE SKIP LOCKED' : '';
    const clock = this.sql.clock(':3');
    const rows = await inTransaction(this.sql.dataSource, (manager) =>
      this.sql.rows<Row>(
        `UPDATE ${this.sagas} SET lease_until = ${clock} + :1, held_by = :2, recoveries = recoveries + 1
         WHERE order_id IN (SELECT order_id FROM ${this.sagas} WHERE lease_until < ${clock} ORDER BY lease_until LIMIT :4 ${lock})
         RETURNING order_id, recoveries`,
        [leaseMs, owner, at, limit],
        manager,
      ),
    );
    return rows.map((row) => ({ orderId: String(row.order_id), recoveries: Number(row.recoveries) }));
  }

  /**
   * Extends `owner`'s claim on a saga to `leaseMs` from now, if it still has it: the saga is open,
   * held by `owner`, and its lease has not run out. False otherwise — the saga was finished, or
   * its lease ran out and another recovery may have claimed it — and then `owner` must leave it
   * alone. A recovery renews each saga just before resuming it, so that one claim of many sagas
   * never has to last for all their recoveries in a row.
   */
  async renew(orderId: string, owner: string, leaseMs: number, now?: number): Promise<boolean> {
    const clock = this.sql.clock(':4');
    const rows = await inTransaction(this.sql.dataSource, (manager) =>
      this.sql.rows(
        `UPDATE ${this.sagas} SET lease_until = ${clock} + :1 WHERE order_id = :2 AND held_by = :3 AND lease_until >= ${clock}
         RETURNING order_id`,
        [leaseMs, orderId, owner, this.sql.clockValue(now)],
        manager,
      ),
    );
    return rows.length === 1;
  }

  /**
   * Gives back `owner`'s claims on sagas it has not started (a stopping recovery), for any
   * recovery to claim at once, and answers the order ids given back. As with {@link renew}, only a
   * claim `owner` still has is touched: one that ran out may be another recovery's by now. The
   * claim's count of recoveries is taken back too, since none ran: it paces the retries' backoff.
   */
  async giveBack(orderIds: readonly string[], owner: string, now?: number): Promise<string[]> {
    if (orderIds.length === 0) return [];
    const list = orderIds.map((_, index) => `:${index + 3}`).join(', ');
    const clock = this.sql.clock(':1');
    const rows = await inTransaction(this.sql.dataSource, (manager) =>
      this.sql.rows<Row>(
        // A lease ending just before now: `claimStale` takes leases that ended strictly before its own now.
        `UPDATE ${this.sagas} SET lease_until = ${clock} - 1, recoveries = recoveries - 1
         WHERE held_by = :2 AND lease_until >= ${clock} AND order_id IN (${list})
         RETURNING order_id`,
        [this.sql.clockValue(now), owner, ...orderIds],
        manager,
      ),
    );
    return rows.map((row) => String(row.order_id));
  }

  /** Hands a saga back after a failed recovery, to be claimed again in `retryInMs`. */
  async retryLater(orderId: string, owner: string, error: string, retryInMs: number): Promise<void> {
    await inTransaction(this.sql.dataSource, (manager) =>
      this.sql.rows(
        `UPDATE ${this.sagas} SET lease_until = ${this.sql.clock(':5')} + :1, last_error = :2
         WHERE order_id = :3 AND held_by = :4 RETURNING order_id`,
        [retryInMs, error.slice(0, 2_000), orderId, owner, this.sql.clockValue()],
        manager,
      ),
    );
  }

  /**
   * Open sagas by state, for metrics: `running` (driven by its placing call), `recovering` (held
   * by a recovery, or waiting for its next try after a failed one) and `stalled` (its lease ran
   * out: its driver is gone and no recovery has claimed it yet).
   */
  async countByState(now?: number): Promise<Record<'running' | 'recovering' | 'stalled', number>> {
    const clock = this.sql.clock(':1');
    const [row] = await this.sql.rows<Row>(
      `SELECT COALESCE(SUM(CASE WHEN lease_until >= ${clock} AND recoveries = 0 THEN 1 ELSE 0 END), 0) AS running,
              COALESCE(SUM(CASE WHEN lease_until >= ${clock} AND recoveries > 0 THEN 1 ELSE 0 END), 0) AS recovering,
              COALESCE(SUM(CASE WHEN lease_until < ${clock} THEN 1 ELSE 0 END), 0) AS stalled
       FROM ${this.sagas}`,
      [this.sql.clockValue(now)],
    );
    return {
      running: Number(row?.running ?? 0),
      recovering: Number(row?.recovering ?? 0),
      stalled: Number(row?.stalled ?? 0),
    };
  }

  /** How many sagas are open (for tests and metrics). */
  async openCount(): Promise<number> {
    const [row] = await inTransaction(this.sql.dataSource, (manager) =>
      this.sql.rows<Row>(`SELECT COUNT(*) AS n FROM ${this.sagas}`, [], manager),
    );
    return Number(row?.n ?? 0);
  }
}
