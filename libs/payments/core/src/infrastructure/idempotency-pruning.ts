import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { forgetInSlices, RetainedTable, Sql } from '@seam/messaging';
import type { DataSource } from 'typeorm';
import { IDEMPOTENCY_PRUNE_EVERY_MS, idempotencyRetentionMs } from '../idempotency-retention.js';
import { DEFAULT_PAYMENTS_CONFIG, PAYMENTS_CONFIG, type PaymentsConfig } from '../payments.config.js';

/** Keys one pruning statement deletes: each statement holds SQLite's write lock only briefly. */
const PRUNE_SLICE = 1_000;

/**
 * Deletes idempotency keys last written before a cutoff, a slice per statement, found through the
 * index on `updated_at` (migration `IndexIdempotencyKeyAge1797200000000`). A key `in_progress`
 * that old is abandoned (the retention is checked to exceed the abandoned threshold): the lock it
 * may have left on its payment is freed by the next command on the payment, which takes a lock in
 * the name of a missing key for abandoned (`IdempotencyRepository.claimFor`).
 */
export class IdempotencyPruning {
  private readonly slice: string;

  constructor(private readonly sql: Sql) {
    const table = sql.table('idempotency_key');
    // As the inbox's prune: on PostgreSQL a key another replica's prune (or a claim) holds is
    // skipped, not waited for; rows named by their physical address are fetched directly.
    this.slice = sql.postgres
      ? `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE updated_at < :1 LIMIT ${PRUNE_SLICE} FOR UPDATE SKIP LOCKED)) RETURNING id`
      : `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE updated_at < :1 LIMIT ${PRUNE_SLICE}) RETURNING id`;
  }

  /**
   * Deletes the keys last written before `before`; answers how many. Stops after a slice once
   * `signal` is aborted. Safe to run from several replicas at once: each key goes once.
   */
  forget(before: Date, signal?: AbortSignal): Promise<number> {
    const cutoff = before.toISOString();
    return forgetInSlices(async () => (await this.sql.rows(this.slice, [cutoff])).length, PRUNE_SLICE, signal);
  }
}

/**
 * Keeps the idempotency keys to their retention (`PaymentsConfig.idempotencyRetentionMs`) while
 * the app runs: pruned at start-up and every hour, by every replica (see `PeriodicPrune`), stopped
 * before the DataSource closes.
 */
@Injectable()
export class IdempotencyRetention extends RetainedTable {
  /** @throws RangeError when the configured retention is out of range (see `idempotencyRetentionMs`). */
  constructor(
    @InjectDataSource('payments') dataSource: DataSource,
    @Inject(PAYMENTS_CONFIG) config: PaymentsConfig = DEFAULT_PAYMENTS_CONFIG,
  ) {
    const retentionMs = idempotencyRetentionMs(config);
    const pruning = new IdempotencyPruning(new Sql(dataSource));
    super(
      {
        rows: 'idempotency keys',
        age: 'last written',
        retentionMs,
        everyMs: IDEMPOTENCY_PRUNE_EVERY_MS,
        forget: (before, signal) => pruning.forget(before, signal),
      },
      new Logger('Payments'),
    );
  }
}
