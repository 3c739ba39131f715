import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { forgetInSlices, RetainedTable, Sql } from '@seam/messaging';
import { inTransaction } from '@seam/persistence';
import type { DataSource } from 'typeorm';
import { INVENTORY_CONFIG, type InventoryConfig, releasedRetentionMs } from '../inventory.config.js';

/** Reservations one pruning transaction deletes: each holds SQLite's write lock only briefly. */
const PRUNE_SLICE = 1_000;

/** How often released reservations older than the retention are deleted, in ms: hourly, as the inbox. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Deletes released reservations (tombstones included) released before a cutoff, with their lines,
 * a slice per transaction, found through the `(status, updated_at)` index (migration
 * `IndexReservationAge1797200000000`). Only `released` ones: a committed reservation is kept, a
 * cancel may still put its stock back.
 */
export class ReservationPruning {
  private readonly statements: { pick: string; lines: string; reservations: string };
  /** The slice's order ids as its deletes take them: an array (PostgreSQL) or JSON text (SQLite, `json_each`). */
  private readonly ids: (orderIds: string[]) => unknown;

  constructor(private readonly sql: Sql) {
    const [reservation, line] = [sql.table('reservation'), sql.table('reservation_line')];
    const old = `status = 'released' AND updated_at < :1 LIMIT ${PRUNE_SLICE}`;
    // On PostgreSQL a reservation another replica's prune holds is skipped, not waited for (as the
    // inbox's prune); a released reservation changes no more, so nothing else locks it for long.
    this.statements = sql.postgres
      ? {
          pick: `SELECT order_id FROM ${reservation} WHERE ${old} FOR UPDATE SKIP LOCKED`,
          lines: `DELETE FROM ${line} WHERE order_id = ANY (:1::varchar[])`,
          reservations: `DELETE FROM ${reservation} WHERE order_id = ANY (:1::varchar[])`,
        }
      : {
          pick: `SELECT order_id FROM ${reservation} WHERE ${old}`,
          lines: `DELETE FROM ${line} WHERE order_id IN (SELECT value FROM json_each(:1))`,
          reservations: `DELETE FROM ${reservation} WHERE order_id IN (SELECT value FROM json_each(:1))`,
        };
    this.ids = sql.postgres ? (orderIds) => orderIds : (orderIds) => JSON.stringify(orderIds);
  }

  /**
   * Deletes the reservations released before `before`; answers how many. Stops after a slice once
   * `signal` is aborted. Safe to run from several replicas at once: each goes once.
   */
  forget(before: Date, signal?: AbortSignal): Promise<number> {
    const cutoff = before.toISOString();
    return forgetInSlices(() => this.forgetSlice(cutoff), PRUNE_SLICE, signal);
  }

  /**
   * One slice: its lines, then the reservations (the lines' foreign key), in one transaction — a
   * released reservation whose lines were deleted alone would read as a tombstone.
   */
  private forgetSlice(cutoff: string): Promise<number> {
    return inTransaction(this.sql.dataSource, async (manager) => {
      const picked = await this.sql.rows<{ order_id: string }>(this.statements.pick, [cutoff], manager);
      if (picked.length === 0) return 0;
      const ids = this.ids(picked.map((row) => row.order_id));
      await this.sql.rows(this.statements.lines, [ids], manager);
      await this.sql.rows(this.statements.reservations, [ids], manager);
      return picked.length;
    });
  }
}

/**
 * Keeps released reservations to their retention (`InventoryConfig.releasedRetentionMs`) while the
 * app runs: pruned at start-up and every hour, by every replica (see `PeriodicPrune`), stopped
 * before the DataSource closes.
 */
@Injectable()
export class ReleasedReservationRetention extends RetainedTable {
  /** @throws RangeError when the configured retention is out of range (see `releasedRetentionMs`). */
  constructor(
    @InjectDataSource('inventory') dataSource: DataSource,
    @Inject(INVENTORY_CONFIG) config: InventoryConfig,
  ) {
    const retentionMs = releasedRetentionMs(config);
    const pruning = new ReservationPruning(new Sql(dataSource));
    super(
      {
        rows: 'reservations',
        age: 'released',
        retentionMs,
        everyMs: PRUNE_EVERY_MS,
        forget: (before, signal) => pruning.forget(before, signal),
      },
      new Logger('Inventory'),
    );
  }
}
