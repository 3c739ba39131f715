import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';
import { captureTransactionScope, insideTransactionOf, inTransaction } from '@seam/persistence';
import { MESSAGING_TABLES } from './messaging.tables.js';
import { type InboxOptions, inboxOptions } from './inbox-options.js';
import { InboxPruning } from './inbox-pruning.js';
import type { Sql } from './sql.js';

type Effect = (manager: EntityManager) => Promise<void>;

/**
 * Runs code outside every caller's context (a group belongs to none of them): the context of this
 * file's loading, captured once.
 */
const detached = AsyncLocalStorage.snapshot();

/** A call of {@link Inbox.once} waiting for its group. */
interface Waiting {
  consumer: string;
  eventId: string;
  effect: Effect;
  /** Runs code in the caller's async context: its trace, its deadline, its logging fields. */
  inCallerContext: <T>(work: () => T) => T;
  resolve(applied: boolean): void;
  reject(error: unknown): void;
}

/**
 * A module's idempotent inbox. A consumer applies an event through {@link Inbox.once} (or calls
 * {@link Inbox.firstTime} in its own transaction): the `(consumer, event id)` row commits with the
 * effect, so an event delivered twice (a relay retried after a lost acknowledgement) is applied once.
 * Entries are kept for `retentionMs` ({@link Inbox.forget} deletes older ones; the module's
 * messaging calls it every `pruneEveryMs`).
 */
export class Inbox {
  private readonly table: string;
  private readonly options: InboxOptions;
  private readonly pruning: InboxPruning;
  private waiting: Waiting[] = [];

  /** @throws RangeError when an option is not a positive integer, or out of its range. */
  constructor(
    private readonly sql: Sql,
    options: Partial<InboxOptions> = {},
  ) {
    this.table = sql.table(MESSAGING_TABLES.inbox);
    this.options = inboxOptions(options);
    this.pruning = new InboxPruning(sql);
  }

  /**
   * Records that `consumer` takes event `eventId`, within `manager`'s transaction. True the first
   * time; false when it was already recorded (then skip the effect). A concurrent duplicate
   * waits for the first transaction and then gets false.
   */
  async firstTime(manager: EntityManager, consumer: string, eventId: string): Promise<boolean> {
    assertEntry(consumer, eventId);
    return (await this.recordAll(manager, [{ consumer, eventId }])).size === 1;
  }

  /**
   * Applies an event's effect once: records `(consumer, eventId)` and runs `effect` in one
   * transaction — or does nothing when the event was already applied. Answers whether it ran.
   *
   * Calls made together (the deliveries of a relay's batch) share a transaction, up to
   * `maxGroupSize` of them: one commit instead of one each, and one statement records all their
   * entries. Each effect still runs in its caller's async context. Should any effect of a group
   * fail — or the group wait past `groupLockTimeoutMs` for a lock another transaction holds —
   * nothing of the group is kept, and each of its calls is applied again alone, in a transaction
   * of its own, so that one failure fails only its own call. An effect may therefore run more
   * than once: only what it writes through `manager` is applied, and exactly once. Effects of a
   * group share its transaction's settings: one that needs a `SET LOCAL` (a tenant for row-level
   * security…) sets it itself, or the module turns grouping off (`maxGroupSize: 1`).
   *
   * A call made inside a transaction of the inbox's own SQLite DataSource is not grouped: it fails
   * at once, as `inTransaction` does there (the manager's transaction would wait for itself).
   */
  once(consumer: string, eventId: string, effect: Effect): Promise<boolean> {
    try {
      assertEntry(consumer, eventId);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.options.maxGroupSize === 1 || insideTransactionOf(this.sql.dataSource))
      return this.alone(consumer, eventId, effect);
    return new Promise<boolean>((resolve, reject) => {
      const inCallerContext = AsyncLocalStorage.snapshot();
      this.waiting.push({ consumer, eventId, effect, inCallerContext, resolve, reject });
      // The calls made in the same turn of the event loop (a batch's deliveries) gather first.
      if (this.waiting.length === 1) detached(() => setImmediate(this.flush));
    });
  }

  /** How long this inbox keeps an entry, and how often it prunes (the options it was given). */
  get retention(): Pick<InboxOptions, 'retentionMs' | 'pruneEveryMs'> {
    return { retentionMs: this.options.retentionMs, pruneEveryMs: this.options.pruneEveryMs };
  }

  /**
   * Deletes the entries recorded before `before` and answers how many it deleted, a slice of
   * entries per statement with a turn of the event loop between slices, so that no statement holds
   * the database's write lock (or, on SQLite, the event loop) for long. With the inbox's
   * `received_at` index (`createInboxReceivedAtIndex`) it reads only what it deletes; without
   * it, it walks the whole inbox ({@link prunesByIndex} tells which). An event delivered again
   * after its entry is gone would be applied again: see `retentionMs`. Safe to run from several
   * replicas at once (a row is deleted once). Once `signal` is aborted it stops after the slice
   * under way (what it deleted stays deleted).
   */
  forget(before: Date, signal?: AbortSignal): Promise<number> {
    return this.pruning.forget(before, signal);
  }

  /** Whether {@link forget} finds old entries by the `received_at` index (false: it walks the whole inbox). */
  prunesByIndex(): Promise<boolean> {
    return this.pruning.byIndex();
  }

  private readonly flush = (): void => {
    const waiting = this.waiting;
    this.waiting = [];
    // Groups of even size: they run side by side, and the relay waits for the slowest (50 calls
    // make four groups of 12 or 13, not 16, 16, 16 and 2).
    const groups = Math.ceil(waiting.length / this.options.maxGroupSize);
    const size = Math.ceil(waiting.length / groups);
    for (let start = 0; start < waiting.length; start += size) {
      const group = waiting.slice(start, start + size);
      // Every call settles, whatever fails: an outcome already given is kept.
      this.applyGroup(group).catch((error: unknown) => group.forEach((call) => call.reject(error)));
    }
  };

  private async applyGroup(group: Waiting[]): Promise<void> {
    if (group.length === 1) return this.applyAlone(group[0]!);
    let applied: boolean[];
    try {
      applied = await inTransaction(this.sql.dataSource, (manager) => this.applyTogether(manager, group));
    } catch {
      // An effect failed, or the group could not take a lock in time, or the database is down:
      // nothing of the group was kept. Alone, each call gets its own outcome.
      await Promise.all(group.map((call) => this.applyAlone(call)));
      return;
    }
    group.forEach((call, index) => call.resolve(applied[index]!));
  }

  private async applyTogether(manager: EntityManager, group: Waiting[]): Promise<boolean[]> {
    if (this.sql.postgres) {
      // Groups lock rows in no particular order: two may wait for each other. Giving up soon (and
      // applying the events one by one) beats waiting a second for PostgreSQL's deadlock check.
      await manager.query(`SET LOCAL lock_timeout = ${this.options.groupLockTimeoutMs}`);
    }
    const fresh = await this.recordAll(manager, group);
    const inTransactionScope = captureTransactionScope();
    const applied: boolean[] = [];
    for (const call of group) {
      // Deleted once taken: the same event twice in a group is applied for the first call only.
      const first = fresh.delete(entryKey(call.consumer, call.eventId));
      if (first) await call.inCallerContext(() => inTransactionScope(() => call.effect(manager)));
      applied.push(first);
    }
    return applied;
  }

  /** Records every entry of `group` in one statement; answers the keys recorded for the first time. */
  private async recordAll(
    manager: EntityManager,
    group: ReadonlyArray<Pick<Waiting, 'consumer' | 'eventId'>>,
  ): Promise<Set<string>> {
    // ON CONFLICT DO NOTHING rather than catching a unique violation: on PostgreSQL a failed
    // statement aborts the whole transaction, and the effects with it.
    const receivedAt = new Date().toISOString();
    const rows = group.map((_, index) => `(:${3 * index + 1}, :${3 * index + 2}, :${3 * index + 3})`);
    const recorded = await this.sql.rows<{ consumer: string; event_id: string }>(
      `INSERT INTO ${this.table} (consumer, event_id, received_at) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING consumer, event_id`,
      group.flatMap((call) => [call.consumer, call.eventId, receivedAt]),
      manager,
    );
    return new Set(recorded.map((row) => entryKey(row.consumer, row.event_id)));
  }

  private async applyAlone(call: Waiting): Promise<void> {
    try {
      call.resolve(await call.inCallerContext(() => this.alone(call.consumer, call.eventId, call.effect)));
    } catch (error) {
      call.reject(error);
    }
  }

  private alone(consumer: string, eventId: string, effect: Effect): Promise<boolean> {
    return inTransaction(this.sql.dataSource, async (manager) => {
      if (!(await this.firstTime(manager, consumer, eventId))) return false;
      await effect(manager);
      return true;
    });
  }
}

function assertEntry(consumer: string, eventId: string): void {
  if (!consumer || !eventId) throw new TypeError('An inbox entry needs a consumer and an event id');
}

function entryKey(consumer: string, eventId: string): string {
  return `${consumer}\u0000${eventId}`;
}
