import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { InventoryContract, type StockLine } from '@contracts/inventory';
import type { DatabaseConfig } from '@seam/persistence';
import { eventually, ModuleHarness, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { ConflictError, NotFoundError, ValidationError } from '@seam/transport';
import { InventoryModule } from './inventory.module.js';

/** Where a suite's data lives, and how to dispose of it after the module is closed. */
interface ContractDatabase {
  config: DatabaseConfig;
  dispose?: () => Promise<void>;
}

/** The module's behaviour through its contract, the same on every database. */
function contractScenarios(open: () => Promise<ContractDatabase>): void {
  let database: ContractDatabase | undefined;
  let harness: ModuleHarness;
  const stockOf = (sku: string) => harness.client.send(InventoryContract.getStock, { sku });
  const reserve = (orderId: string, lines: StockLine[]) =>
    harness.client.send(InventoryContract.reserveStock, { orderId, lines });
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => undefined,
      (caught: unknown) => caught,
    );
  const statusesOf = (orderId: string) =>
    harness
      .events(InventoryContract.reservationChanged)
      .filter((event) => event.orderId === orderId)
      .map((event) => event.status);

  beforeAll(async () => {
    database = await open();
    harness = await ModuleHarness.start({
      module: InventoryModule,
      name: 'inventory',
      database: database.config,
      record: [InventoryContract.reservationChanged],
    });
    for (const sku of ['MUG', 'TEE', 'CAP'])
      await harness.client.send(InventoryContract.setStock, { sku, available: 5 });
  });
  afterAll(async () => {
    await harness?.close();
    await database?.dispose?.();
  });

  describe('setStock and getStock', () => {
    it('sets what is available, keeps what is reserved, and answers zeros for an unknown sku', async () => {
      await reserve(randomUUID(), [{ sku: 'CAP', quantity: 2 }]);
      await expect(harness.client.send(InventoryContract.setStock, { sku: 'CAP', available: 9 })).resolves.toEqual({
        sku: 'CAP',
        available: 9,
        reserved: 2,
      });
      await expect(stockOf('CAP')).resolves.toEqual({ sku: 'CAP', available: 9, reserved: 2 });
      await expect(stockOf('NEVER-STOCKED')).resolves.toEqual({ sku: 'NEVER-STOCKED', available: 0, reserved: 0 });
    });
  });

  describe('reserveStock, commitStock, releaseStock', () => {
    it('are each idempotent, and publish reservationChanged once per change', async () => {
      const orderId = randomUUID();
      const reserved = await reserve(orderId, [
        { sku: 'MUG', quantity: 1 },
        { sku: 'MUG', quantity: 1 },
      ]);
      expect(reserved).toEqual({ orderId, status: 'reserved', lines: [{ sku: 'MUG', quantity: 2 }] });
      await expect(reserve(orderId, [{ sku: 'MUG', quantity: 2 }])).resolves.toEqual(reserved);
      await expect(stockOf('MUG')).resolves.toMatchObject({ available: 3, reserved: 2 });

      for (let round = 0; round < 2; round++) {
        await expect(harness.client.send(InventoryContract.commitStock, { orderId })).resolves.toMatchObject({
          status: 'committed',
        });
      }
      await expect(stockOf('MUG')).resolves.toMatchObject({ available: 3, reserved: 0 });
      for (let round = 0; round < 2; round++) {
        await expect(harness.client.send(InventoryContract.releaseStock, { orderId })).resolves.toMatchObject({
          status: 'released',
        });
      }
      await expect(stockOf('MUG')).resolves.toMatchObject({ available: 5, reserved: 0 });

      // The order's events arrive in the order written (one aggregate). A later change by another
      // order then shows the repeats added none: its events were written after them.
      await eventually(() => expect(statusesOf(orderId)).toEqual(['reserved', 'committed', 'released']));
      const marker = randomUUID();
      await reserve(marker, [{ sku: 'TEE', quantity: 1 }]);
      await harness.client.send(InventoryContract.releaseStock, { orderId: marker });
      await eventually(() => expect(statusesOf(marker)).toEqual(['reserved', 'released']));
      expect(statusesOf(orderId)).toEqual(['reserved', 'committed', 'released']);
      const last = harness.events(InventoryContract.reservationChanged).findLast((event) => event.orderId === orderId);
      expect(last).toEqual({
        id: expect.any(String),
        occurredAt: expect.any(String),
        orderId,
        status: 'released',
        lines: [{ sku: 'MUG', quantity: 2 }],
      });
    });

    it('reserves all lines or none: a short second line leaves the first line untouched', async () => {
      await harness.client.send(InventoryContract.setStock, { sku: 'PAIR-1', available: 5 });
      await harness.client.send(InventoryContract.setStock, { sku: 'PAIR-2', available: 2 });
      const error = await failure(
        reserve(randomUUID(), [
          { sku: 'PAIR-1', quantity: 1 },
          { sku: 'PAIR-2', quantity: 3 },
        ]),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).details).toEqual({ sku: 'PAIR-2', requested: 3, available: 2 });
      await expect(stockOf('PAIR-1')).resolves.toEqual({ sku: 'PAIR-1', available: 5, reserved: 0 });
    });

    it('answers NotFound naming an unknown sku, holding nothing', async () => {
      const before = await stockOf('MUG');
      const error = await failure(
        reserve(randomUUID(), [
          { sku: 'MUG', quantity: 1 },
          { sku: 'GHOST', quantity: 1 },
        ]),
      );
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).details).toEqual({ sku: 'GHOST' });
      await expect(stockOf('MUG')).resolves.toEqual(before);
    });

    it('answers NotFound for an unknown sku as the last line (the one whose move commits), publishing nothing', async () => {
      const orderId = randomUUID();
      const before = await stockOf('MUG');
      const error = await failure(
        reserve(orderId, [
          { sku: 'MUG', quantity: 1 },
          { sku: 'ZZ-GHOST', quantity: 1 },
        ]),
      );
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).details).toEqual({ sku: 'ZZ-GHOST' });
      await expect(stockOf('MUG')).resolves.toEqual(before);
      // A reservation of the order commits now, so none was left behind by the refused one.
      await expect(reserve(orderId, [{ sku: 'MUG', quantity: 1 }])).resolves.toMatchObject({ status: 'reserved' });
      await eventually(() => expect(statusesOf(orderId)).toEqual(['reserved']));
    });

    it('refuses different lines for an order that already has a reservation', async () => {
      const orderId = randomUUID();
      await reserve(orderId, [{ sku: 'TEE', quantity: 1 }]);
      const error = await failure(reserve(orderId, [{ sku: 'TEE', quantity: 2 }]));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).message).toBe(`Order ${orderId} already has a different reservation`);
    });

    it('refuses to commit a released order, and answers NotFound to a commit without a reservation', async () => {
      const orderId = randomUUID();
      await reserve(orderId, [{ sku: 'TEE', quantity: 1 }]);
      await harness.client.send(InventoryContract.releaseStock, { orderId });
      await expect(harness.client.send(InventoryContract.commitStock, { orderId })).rejects.toBeInstanceOf(
        ConflictError,
      );
      const missing = randomUUID();
      const error = await failure(harness.client.send(InventoryContract.commitStock, { orderId: missing }));
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).details).toEqual({ orderId: missing });
    });
  });

  describe('releaseStock of an order never reserved (its reserve is late, or was lost)', () => {
    const release = (orderId: string) => harness.client.send(InventoryContract.releaseStock, { orderId });

    it('answers released with no lines, the same every time, and publishes nothing', async () => {
      const orderId = randomUUID();
      const first = await release(orderId);
      expect(first).toEqual({ orderId, status: 'released', lines: [] });
      await expect(release(orderId)).resolves.toEqual(first);
      // Another order's events, written after, show that none were written for this one.
      const marker = randomUUID();
      await reserve(marker, [{ sku: 'TEE', quantity: 1 }]);
      await release(marker);
      await eventually(() => expect(statusesOf(marker)).toEqual(['reserved', 'released']));
      expect(statusesOf(orderId)).toEqual([]);
    });

    it('refuses a later reserve of the order, holding nothing', async () => {
      const orderId = randomUUID();
      const before = await stockOf('MUG');
      await release(orderId);
      const error = await failure(reserve(orderId, [{ sku: 'MUG', quantity: 1 }]));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).message).toBe(
        `The stock of order ${orderId} was already released; it cannot be reserved any more`,
      );
      expect((error as ConflictError).details).toEqual({ orderId, status: 'released' });
      await expect(stockOf('MUG')).resolves.toEqual(before);
      await expect(release(orderId)).resolves.toEqual({ orderId, status: 'released', lines: [] });
    });

    it('refuses a later commit of the order', async () => {
      const orderId = randomUUID();
      await release(orderId);
      const error = await failure(harness.client.send(InventoryContract.commitStock, { orderId }));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).details).toEqual({ orderId, status: 'released' });
    });
  });

  describe('validation at the door', () => {
    it('names every wrong field', async () => {
      const bad = {
        orderId: 'not-a-uuid',
        lines: [
          { sku: 'MUG', quantity: 0 },
          { sku: 'lower', quantity: 1 },
        ],
      };
      const error = await failure(harness.client.send(InventoryContract.reserveStock, bad));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path).toSorted()).toEqual([
        'lines[0].quantity',
        'lines[1].sku',
        'orderId',
      ]);
    });

    it('refuses an empty reservation and a negative stock', async () => {
      const empty = await failure(
        harness.client.send(InventoryContract.reserveStock, { orderId: randomUUID(), lines: [] }),
      );
      expect((empty as ValidationError).fields.map((field) => field.path)).toEqual(['lines']);
      const negative = await failure(harness.client.send(InventoryContract.setStock, { sku: 'MUG', available: -1 }));
      expect((negative as ValidationError).fields.map((field) => field.path)).toEqual(['available']);
    });
  });
}

describe('inventory module, through its contract, on SQLite', () => {
  contractScenarios(async () => ({ config: { kind: 'memory' } }));
});

const reason = await postgresUnavailableReason();
const postgresSuite = reason ? describe.skip : describe;

postgresSuite(`inventory module, through its contract, on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
  contractScenarios(async () => {
    const database = await TemporaryPostgres.create();
    return { config: { kind: 'postgres', url: database.url }, dispose: () => database.drop() };
  });
});
