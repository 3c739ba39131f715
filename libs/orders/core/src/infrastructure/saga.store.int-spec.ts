import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { commitWith, type DatabaseConfig, dataSourceOptions, inTransaction, openDataSource } from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { ordersData } from '../orders.data.js';
import { SagaStore } from './saga.store.js';

/**
 * The saga log's writes and its claims, and a cancellation's saga, the same on every database;
 * with `sharedClock`, the checks of a database whose clock the replicas share (PostgreSQL).
 */
function logScenarios(
  open: () => Promise<{ config: DatabaseConfig; dispose?: () => Promise<void> }>,
  sharedClock = false,
): void {
  let dataSource: DataSource;
  let sagas: SagaStore;
  let dispose: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const database = await open();
    dispose = database.dispose;
    dataSource = await openDataSource(dataSourceOptions(ordersData, database.config));
    sagas = new SagaStore(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await dispose?.();
  });

  it('appends several steps in one statement that reads back in their order, and commits with it', async () => {
    const orderId = randomUUID();
    await inTransaction(dataSource, (manager) => sagas.log(manager, orderId, [{ step: 'first', outcome: 'done' }]));
    await inTransaction(dataSource, (manager) =>
      commitWith(manager, () =>
        sagas.log(manager, orderId, [
          { step: 'recover', outcome: 'resumed' },
          { step: 'release-stock', outcome: 'undone', detail: 'held 2 units' },
          { step: 'refund-payment', outcome: 'undo-failed', detail: 'provider down' },
        ]),
      ),
    );
    const logged = await sagas.logOf(orderId);
    expect(logged.map(({ step, outcome, detail }) => ({ step, outcome, detail }))).toEqual([
      { step: 'first', outcome: 'done', detail: undefined },
      { step: 'recover', outcome: 'resumed', detail: undefined },
      { step: 'release-stock', outcome: 'undone', detail: 'held 2 units' },
      { step: 'refund-payment', outcome: 'undo-failed', detail: 'provider down' },
    ]);
    // The steps of one call share their time.
    expect(new Set(logged.slice(1).map((step) => step.at)).size).toBe(1);
  });

  it('writes nothing for no steps, and leaves the transaction to commit as usual', async () => {
    const orderId = randomUUID();
    await inTransaction(dataSource, async (manager) => {
      await commitWith(manager, () => sagas.log(manager, orderId, []));
      await sagas.log(manager, orderId, [{ step: 'after', outcome: 'done' }]);
    });
    expect((await sagas.logOf(orderId)).map((step) => step.step)).toEqual(['after']);
  });

  it('renews a claim only for its holder while its lease runs: not once it ran out, was taken, or the saga closed', async () => {
    const orderId = randomUUID();
    const t = Date.now();
    await inTransaction(dataSource, (manager) => sagas.open(manager, orderId, -1, t));
    expect(await sagas.claimStale('replica-1', 10, 1_000, t)).toEqual([{ orderId, recoveries: 1 }]);
    expect(await sagas.renew(orderId, 'replica-2', 1_000, t + 500)).toBe(false);
    expect(await sagas.renew(orderId, 'replica-1', 1_000, t + 500)).toBe(true);
    // Renewed until t + 1500: still unclaimable at t + 1400, its holder's claim has run out at t + 1600.
    expect(await sagas.claimStale('replica-2', 10, 1_000, t + 1_400)).toEqual([]);
    expect(await sagas.renew(orderId, 'replica-1', 1_000, t + 1_600)).toBe(false);
    expect(await sagas.claimStale('replica-2', 10, 1_000, t + 1_600)).toEqual([{ orderId, recoveries: 2 }]);
    expect(await sagas.renew(orderId, 'replica-1', 1_000, t + 1_700)).toBe(false);
    expect(await sagas.renew(orderId, 'replica-2', 1_000, t + 1_700)).toBe(true);
    await inTransaction(dataSource, (manager) => sagas.close(manager, orderId));
    expect(await sagas.renew(orderId, 'replica-2', 1_000, t + 1_800)).toBe(false);
  });

  it('gives back only claims its holder still has, claimable at once, and a late give-back leaves the next holder alone', async () => {
    const [given, kept] = [randomUUID(), randomUUID()];
    const t = Date.now();
    await inTransaction(dataSource, async (manager) => {
      await sagas.open(manager, given, -2, t);
      await sagas.open(manager, kept, -1, t);
    });
    expect(await sagas.claimStale('replica-1', 10, 60_000, t)).toEqual([
      { orderId: given, recoveries: 1 },
      { orderId: kept, recoveries: 1 },
    ]);
    expect(await sagas.giveBack([given], 'replica-2', t + 10)).toEqual([]);
    expect(await sagas.giveBack([given], 'replica-1', t + 10)).toEqual([given]);
    expect(await sagas.renew(given, 'replica-1', 60_000, t + 10)).toBe(false);
    // Claimable in the same millisecond, and the claim that never ran is not counted as a recovery.
    expect(await sagas.claimStale('replica-2', 10, 60_000, t + 10)).toEqual([{ orderId: given, recoveries: 1 }]);
    expect(await sagas.giveBack([given, kept], 'replica-1', t + 20)).toEqual([kept]);
    expect(await sagas.renew(given, 'replica-2', 60_000, t + 20)).toBe(true);
  });

  if (sharedClock)
    it('takes leases on the database clock: a replica whose clock runs a minute ahead claims no saga still driven', async () => {
      const orderId = randomUUID();
      await inTransaction(dataSource, (manager) => sagas.open(manager, orderId, 30_000));
      const realNow = Date.now();
      const ahead = jest.spyOn(Date, 'now').mockReturnValue(realNow + 60_000);
      try {
        // Before: the lease, written as this replica's time + 30 s, read as run out — claimed and
        // resumed while its placing call still drove it.
        const claimed = await sagas.claimStale('replica-ahead', 100, 30_000);
        expect(claimed.map((saga) => saga.orderId)).not.toContain(orderId);
        expect(await sagas.renew(orderId, 'replica-ahead', 30_000)).toBe(false);
      } finally {
        ahead.mockRestore();
      }
      // Run out on the database's clock, it is claimable as ever.
      expect(await sagas.claimStale('replica-1', 100, 30_000, realNow + 60_000)).toContainEqual({
        orderId,
        recoveries: 1,
      });
    });

  it('opens a saga once: a second open keeps the first lease, and commits with it', async () => {
    const orderId = randomUUID();
    const t = Date.now();
    const before = await sagas.openCount();
    await inTransaction(dataSource, (manager) =>
      commitWith(manager, () => sagas.openIfAbsent(manager, orderId, -1_000, t)),
    );
    await inTransaction(dataSource, (manager) =>
      commitWith(manager, () => sagas.openIfAbsent(manager, orderId, 60_000, t)),
    );
    expect(await sagas.openCount()).toBe(before + 1);
    // Still the first lease, run out: claimable now.
    expect(await sagas.claimStale('replica-1', 10, 60_000, t)).toContainEqual({ orderId, recoveries: 1 });
  });
}

describe('the saga store, on SQLite', () => {
  logScenarios(async () => ({ config: { kind: 'memory' } }));
});

const reason = await postgresUnavailableReason();
const postgresSuite = reason ? describe.skip : describe;

postgresSuite(`the saga store, on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
  logScenarios(async () => {
    const database = await TemporaryPostgres.create();
    return { config: { kind: 'postgres', url: database.url }, dispose: () => database.drop() };
  }, true);
});
