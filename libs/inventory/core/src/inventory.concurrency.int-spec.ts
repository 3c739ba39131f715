import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { InventoryContract } from '@contracts/inventory';
import type { DatabaseConfig } from '@seam/persistence';
import { ModuleHarness, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { ConflictError } from '@seam/transport';
import { InventoryModule } from './inventory.module.js';

/** Where a suite's data lives, and how to dispose of it after the module is closed. */
interface RaceDatabase {
  config: DatabaseConfig;
  dispose?: () => Promise<void>;
}

/** The races, the same on every database. */
function raceScenarios(open: () => Promise<RaceDatabase>): void {
  let database: RaceDatabase | undefined;
  let harness: ModuleHarness | undefined;
  const stockOf = (sku: string) => client().send(InventoryContract.getStock, { sku });
  const settle = <T>(calls: Array<Promise<T>>) => Promise.allSettled(calls);

  const client = () => harness!.client;

  beforeAll(async () => {
    database = await open();
    harness = await ModuleHarness.start({ module: InventoryModule, name: 'inventory', database: database.config });
  });
  afterAll(async () => {
    await harness?.close();
    await database?.dispose?.();
  });

  it('200 concurrent reservations of 1 unit against 10: exactly 10 win, stock never negative, nothing lost', async () => {
    await client().send(InventoryContract.setStock, { sku: 'RACE', available: 10 });
    const orders = Array.from({ length: 200 }, () => randomUUID());
    const outcomes = await settle(
      orders.map((orderId) =>
        client().send(InventoryContract.reserveStock, { orderId, lines: [{ sku: 'RACE', quantity: 1 }] }),
      ),
    );

    const won = orders.filter((_, index) => outcomes[index].status === 'fulfilled');
    const refusals = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(won).toHaveLength(10);
    expect(refusals).toHaveLength(190);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(ConflictError);
      expect((refusal as ConflictError).details).toEqual({ sku: 'RACE', requested: 1, available: 0 });
    }
    await expect(stockOf('RACE')).resolves.toEqual({ sku: 'RACE', available: 0, reserved: 10 });

    const [toCommit, toRelease] = [won.slice(0, 4), won.slice(4)];
    const finishing = await settle([
      ...toCommit.map((orderId) => client().send(InventoryContract.commitStock, { orderId })),
      ...toRelease.map((orderId) => client().send(InventoryContract.releaseStock, { orderId })),
    ]);
    expect(finishing.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    await expect(stockOf('RACE')).resolves.toEqual({ sku: 'RACE', available: 6, reserved: 0 });
  });

  it('reservations listing the same skus in opposite orders neither deadlock nor oversell', async () => {
    for (const sku of ['LEFT', 'RIGHT']) await client().send(InventoryContract.setStock, { sku, available: 25 });
    const lines = [
      { sku: 'LEFT', quantity: 1 },
      { sku: 'RIGHT', quantity: 1 },
    ];
    const outcomes = await settle(
      Array.from({ length: 60 }, (_, index) =>
        client().send(InventoryContract.reserveStock, {
          orderId: randomUUID(),
          lines: index % 2 ? lines : lines.toReversed(),
        }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(25);
    expect(outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []))).toEqual(
      Array(35).fill(expect.any(ConflictError)),
    );
    await expect(stockOf('LEFT')).resolves.toEqual({ sku: 'LEFT', available: 0, reserved: 25 });
    await expect(stockOf('RIGHT')).resolves.toEqual({ sku: 'RIGHT', available: 0, reserved: 25 });
  });

  it('20 concurrent reservations for one order hold its stock once and all answer the same reservation', async () => {
    await client().send(InventoryContract.setStock, { sku: 'TWIN', available: 5 });
    const orderId = randomUUID();
    const request = { orderId, lines: [{ sku: 'TWIN', quantity: 2 }] };
    const outcomes = await settle(
      Array.from({ length: 20 }, () => client().send(InventoryContract.reserveStock, request)),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(20).fill('fulfilled'));
    const answers = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined));
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    await expect(stockOf('TWIN')).resolves.toEqual({ sku: 'TWIN', available: 3, reserved: 2 });
  });

  it('a commit racing a release of the same order ends released, with the stock back exactly once', async () => {
    await client().send(InventoryContract.setStock, { sku: 'DUEL', available: 20 });
    const orders = Array.from({ length: 10 }, () => randomUUID());
    for (const orderId of orders)
      await client().send(InventoryContract.reserveStock, { orderId, lines: [{ sku: 'DUEL', quantity: 2 }] });
    const outcomes = await settle(
      orders.flatMap((orderId) => [
        client().send(InventoryContract.commitStock, { orderId }),
        client().send(InventoryContract.releaseStock, { orderId }),
      ]),
    );
    // A commit may lose to the release (ConflictError); a release never fails.
    const refused = outcomes.flatMap((outcome, index) =>
      outcome.status === 'rejected'
        ? [{ command: index % 2 ? 'release' : 'commit', error: outcome.reason as unknown }]
        : [],
    );
    expect(refused).toEqual(refused.map(() => ({ command: 'commit', error: expect.any(ConflictError) })));
    for (const orderId of orders)
      await expect(client().send(InventoryContract.releaseStock, { orderId })).resolves.toMatchObject({
        status: 'released',
      });
    await expect(stockOf('DUEL')).resolves.toEqual({ sku: 'DUEL', available: 20, reserved: 0 });
  });

  it('a release racing a late reserve of the same order: the order never holds stock once released', async () => {
    await client().send(InventoryContract.setStock, { sku: 'LATE', available: 1_000 });
    const line = { sku: 'LATE', quantity: 1 };
    const wrong: unknown[] = [];
    for (let round = 0; round < 10; round++) {
      const orders = Array.from({ length: 30 }, () => randomUUID());
      const pairs = await Promise.all(
        orders.map(async (orderId, index) => {
          const reserve = () => client().send(InventoryContract.reserveStock, { orderId, lines: [line] });
          const release = () => client().send(InventoryContract.releaseStock, { orderId });
          // Either may reach the module first.
          const [reserved, released] =
            index % 2 ? await settle([reserve(), release()]) : (await settle([release(), reserve()])).toReversed();
          return { orderId, reserved, released };
        }),
      );
      for (const { orderId, reserved, released } of pairs) {
        // The release answers released, having put back what the reserve held if the reserve came
        // first (then the reserve answered it); if the release came first, the reserve is refused.
        const releasedAfterReserve =
          reserved.status === 'fulfilled' &&
          isDeepStrictEqual(reserved.value, { orderId, status: 'reserved', lines: [line] }) &&
          released.status === 'fulfilled' &&
          isDeepStrictEqual(released.value, { orderId, status: 'released', lines: [line] });
        const refusedAfterRelease =
          reserved.status === 'rejected' &&
          reserved.reason instanceof ConflictError &&
          reserved.reason.message.includes('was already released') &&
          released.status === 'fulfilled' &&
          isDeepStrictEqual(released.value, { orderId, status: 'released', lines: [] });
        if (!releasedAfterReserve && !refusedAfterRelease) wrong.push({ orderId, reserved, released });
      }
    }
    expect(wrong).toEqual([]);
    await expect(stockOf('LATE')).resolves.toEqual({ sku: 'LATE', available: 1_000, reserved: 0 });
  });
}

describe('inventory under concurrency, on SQLite (one connection, transactions queued)', () => {
  raceScenarios(async () => ({ config: { kind: 'memory' } }));
});

const reason = await postgresUnavailableReason();
const postgresSuite = reason ? describe.skip : describe;

postgresSuite(
  `inventory under concurrency, on PostgreSQL (pooled connections, row locks)${reason ? ` — skipped: ${reason}` : ''}`,
  () => {
    raceScenarios(async () => {
      const database = await TemporaryPostgres.create();
      return { config: { kind: 'postgres', url: database.url }, dispose: () => database.drop() };
    });
  },
);
