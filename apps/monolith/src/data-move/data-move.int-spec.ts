import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { OrdersContract, type PlaceOrder } from '@contracts/orders';
import { type AuthorizePayment, PaymentsContract } from '@contracts/payments';
import { FAKE_CARDS } from '@modules/payments';
import {
  type DatabaseConfig,
  type DataLocation,
  dataLocationFromConfig,
  dataSourceOptions,
  type DataMoveReport,
  moveModuleData,
  openDataSource,
} from '@seam/persistence';
import { OutboxStore } from '@seam/messaging';
import { eventually, ModuleHarness, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { CARD, DECLINED_CARD, FakeNeighbours } from '../../../../libs/orders/core/src/testing/fake-neighbours.js';
import { moduleRows } from '../../../../libs/seam/persistence/src/data-move/testing/module-rows.js';
import { type LocalModule, LOCAL_MODULES } from '../modules.js';

/** Asks a module, through its contract, what it holds. */
type Reader = (harness: ModuleHarness) => Promise<unknown>;

/** One real module: how to fill it through its contract, and what its contract then answers. */
interface ModuleCase {
  local: LocalModule;
  harness(config: DatabaseConfig): Promise<ModuleHarness>;
  /** Writes through the contract; returns a read of what was written, to ask again after the move. */
  seed(harness: ModuleHarness): Promise<Reader>;
  /** Writes again after the move: generated keys and idempotency records must have moved too. */
  writeAgain(harness: ModuleHarness): Promise<void>;
}

const moduleNamed = (name: string) => LOCAL_MODULES.find((module) => module.name === name)!;
const neighbours = new FakeNeighbours();
const replayedAuthorization: AuthorizePayment = {
  idempotencyKey: `key-${randomUUID()}`,
  orderId: randomUUID(),
  amount: { amount: 99_999_999_99, currency: 'EUR' },
  cardNumber: FAKE_CARDS.approved,
};
let replayedPaymentId: string | undefined;
const [alice, bob] = [randomUUID(), randomUUID()];
const bobsOrder: PlaceOrder = {
  customerId: bob,
  lines: [{ sku: 'TEE-1', quantity: 3 }],
  cardNumber: CARD,
  idempotencyKey: `order-key-${randomUUID()}`,
};

const payments: ModuleCase = {
  local: moduleNamed('payments'),
  harness: (database) => ModuleHarness.start({ module: moduleNamed('payments').module, name: 'payments', database }),
  async seed(harness) {
    const send = harness.client;
    const authorize = (cardNumber: string, amount = 2_500) =>
      send.send(PaymentsContract.authorizePayment, {
        idempotencyKey: `key-${randomUUID()}`,
        orderId: randomUUID(),
        amount: { amount, currency: 'EUR' },
        cardNumber,
      });
    const ids: string[] = [];
    for (const card of [
      FAKE_CARDS.approved,
      FAKE_CARDS.approved,
      FAKE_CARDS.declined,
      FAKE_CARDS.insufficientFunds,
      '5555555555554444',
    ])
      ids.push((await authorize(card, 1_299 + ids.length)).paymentId);
    await send.send(PaymentsContract.capturePayment, { idempotencyKey: `key-${randomUUID()}`, paymentId: ids[0] });
    await send.send(PaymentsContract.refundPayment, { idempotencyKey: `key-${randomUUID()}`, paymentId: ids[1] });
    const big = await send.send(PaymentsContract.authorizePayment, replayedAuthorization);
    replayedPaymentId = big.paymentId;
    await send.send(PaymentsContract.capturePayment, {
      idempotencyKey: `key-${randomUUID()}`,
      paymentId: big.paymentId,
    });
    await outboxDrained(harness);
    return (on) =>
      Promise.all(
        [...ids, big.paymentId].map((paymentId) => on.client.send(PaymentsContract.getPayment, { paymentId })),
      );
  },
  async writeAgain(harness) {
    const replayed = await harness.client.send(PaymentsContract.authorizePayment, replayedAuthorization);
    // The key's recorded answer, not a second authorization: the idempotency records moved too.
    expect(replayed).toMatchObject({
      paymentId: replayedPaymentId,
      status: 'authorized',
      amount: replayedAuthorization.amount,
    });
    const fresh = { ...replayedAuthorization, idempotencyKey: `key-${randomUUID()}`, orderId: randomUUID() };
    expect(await harness.client.send(PaymentsContract.authorizePayment, fresh)).toMatchObject({
      status: 'authorized',
      orderId: fresh.orderId,
    });
  },
};

const orders: ModuleCase = {
  local: moduleNamed('orders'),
  harness: (database) =>
    ModuleHarness.start({ module: moduleNamed('orders').module, name: 'orders', database, fakes: neighbours.all }),
  async seed(harness) {
    neighbours.reset();
    const place = (request: PlaceOrder) => harness.client.send(OrdersContract.placeOrder, request);
    await place({
      customerId: alice,
      lines: [
        { sku: 'MUG-1', quantity: 2 },
        { sku: 'TEE-1', quantity: 1 },
      ],
      cardNumber: CARD,
    });
    await place({ customerId: alice, lines: [{ sku: 'MUG-1', quantity: 1 }], cardNumber: DECLINED_CARD });
    const cancelled = await place({ customerId: alice, lines: [{ sku: 'RARE-1', quantity: 1 }], cardNumber: CARD });
    await harness.client.send(OrdersContract.cancelOrder, { orderId: cancelled.orderId, customerId: alice });
    await place({ customerId: alice, lines: [{ sku: 'GHOST-1', quantity: 1 }], cardNumber: CARD });
    await place(bobsOrder);
    await outboxDrained(harness);
    return (on) =>
      Promise.all(
        [alice, bob].map((customerId) => on.client.send(OrdersContract.listOrders, { customerId, pageSize: 100 })),
      );
  },
  async writeAgain(harness) {
    const again = await harness.client.send(OrdersContract.placeOrder, bobsOrder);
    const { items } = await harness.client.send(OrdersContract.listOrders, { customerId: bob });
    expect(items.map(({ orderId }) => orderId)).toEqual([again.orderId]);
    const newest = await harness.client.send(OrdersContract.placeOrder, {
      customerId: alice,
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      cardNumber: CARD,
    });
    const page = await harness.client.send(OrdersContract.listOrders, { customerId: alice });
    expect(page.items[0].orderId).toBe(newest.orderId);
    expect(page.total).toBe(5);
  },
};

/**
 * Waits until the module's relay has drained its outbox (it does while the module runs): the data
 * moved is then what any later run of the module reads back unchanged.
 */
async function outboxDrained(harness: ModuleHarness): Promise<void> {
  const outbox = harness.app.get(OutboxStore, { strict: false });
  await eventually(async () => expect(await outbox.pendingCount()).toBe(0), { timeoutMs: 10_000 });
}

/** Runs `work` with the module's harness on `config`, then closes it. */
async function through<T>(
  module: ModuleCase,
  config: DatabaseConfig,
  work: (harness: ModuleHarness) => Promise<T>,
): Promise<T> {
  const harness = await module.harness(config);
  try {
    return await work(harness);
  } finally {
    await harness.close();
  }
}

async function rowsAt(module: ModuleCase, config: DatabaseConfig) {
  const dataSource = await openDataSource(dataSourceOptions(module.local.data, config));
  try {
    return await moduleRows(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'seam-data-move-'));
const sqlite = (dataDir: string): DatabaseConfig => ({ kind: 'sqlite', dataDir });
const at = (module: ModuleCase, config: DatabaseConfig): DataLocation =>
  dataLocationFromConfig(config, module.local.name);
const move = (module: ModuleCase, from: DatabaseConfig, to: DatabaseConfig, force = false): Promise<DataMoveReport> =>
  moveModuleData({ data: module.local.data, from: at(module, from), to: at(module, to), force, batchSize: 2 });
const expectTables = (report: DataMoveReport, rows: Record<string, unknown[]>) => {
  // Queues that drain when all is well (outbox, dead letters, inbox of a module that consumes
  // nothing, open sagas) may be empty; every other table must have rows for the copy to prove anything.
  const drains = (table: string) => table.startsWith('seam_') || table === 'order_saga';
  expect(Object.entries(rows).filter(([table, list]) => !drains(table) && list.length === 0)).toEqual([]);
  expect(
    Object.fromEntries(report.tables.map(({ table, sourceRows, targetRows }) => [table, [sourceRows, targetRows]])),
  ).toEqual(Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, [list.length, list.length]])));
};

describe.each([payments, orders])('data:move of the real $local.name module, SQLite → SQLite', (module) => {
  let [source, target] = ['', ''];
  let read: Reader;
  let answers: unknown;

  beforeAll(async () => {
    [source, target] = [tempDir(), tempDir()];
    await through(module, sqlite(source), async (harness) => {
      read = await module.seed(harness);
      answers = await read(harness);
    });
  });
  afterAll(() => [source, target].forEach((dir) => dir && rmSync(dir, { recursive: true, force: true })));

  it('copies every row; the module answers the same from the copy and keeps working on it', async () => {
    const report = await move(module, sqlite(source), sqlite(target));
    const rows = await rowsAt(module, sqlite(source));
    expectTables(report, rows);
    expect(await rowsAt(module, sqlite(target))).toEqual(rows);
    await through(module, sqlite(target), async (harness) => {
      expect(await read(harness)).toEqual(answers);
      await module.writeAgain(harness);
    });
  });
});

const reason = await postgresUnavailableReason();
const postgresSuite = reason ? describe.skip : describe;

postgresSuite.each([payments, orders])(
  `data:move of the real $local.name module, SQLite → PostgreSQL → SQLite${reason ? ` — skipped: ${reason}` : ''}`,
  (module) => {
    let [source, back] = ['', ''];
    let database: TemporaryPostgres;
    let postgres: DatabaseConfig;
    let read: Reader;
    let answers: unknown;
    let sourceRows: Awaited<ReturnType<typeof rowsAt>>;

    beforeAll(async () => {
      [source, back] = [tempDir(), tempDir()];
      database = await TemporaryPostgres.create();
      postgres = { kind: 'postgres', url: database.url };
      await through(module, sqlite(source), async (harness) => {
        read = await module.seed(harness);
        answers = await read(harness);
      });
      sourceRows = await rowsAt(module, sqlite(source));
    });
    afterAll(async () => {
      for (const dir of [source, back]) if (dir) rmSync(dir, { recursive: true, force: true });
      await database?.drop();
    });

    it('SQLite → PostgreSQL: copies every row into the module schema, and the module answers the same from it', async () => {
      const report = await move(module, sqlite(source), postgres);
      expect(report.to).toMatch(new RegExp(`^PostgreSQL .* schema ${module.local.name}$`));
      expectTables(report, sourceRows);
      expect(await rowsAt(module, postgres)).toEqual(sourceRows);
      await through(module, postgres, async (harness) => expect(await read(harness)).toEqual(answers));
    });

    it('refuses to move into PostgreSQL a second time', async () => {
      await expect(move(module, sqlite(source), postgres)).rejects.toMatchObject({
        kind: 'refused',
        message: expect.stringContaining('it already received a move'),
      });
      expect(await rowsAt(module, postgres)).toEqual(sourceRows);
    });

    it('PostgreSQL → SQLite: copies every row back, exactly', async () => {
      const report = await move(module, postgres, sqlite(back));
      expectTables(report, sourceRows);
      expect(await rowsAt(module, sqlite(back))).toEqual(sourceRows);
      await through(module, sqlite(back), async (harness) => expect(await read(harness)).toEqual(answers));
    });

    it('the moved PostgreSQL data keeps working: generated keys and idempotency records moved too', async () => {
      await expect(through(module, postgres, (harness) => module.writeAgain(harness))).resolves.toBeUndefined();
    });

    it('with force, replaces what the PostgreSQL target holds by the source again', async () => {
      const report = await move(module, sqlite(source), postgres, true);
      expect(report.previousMoves).toHaveLength(1);
      expect(report.deleted.length).toBeGreaterThan(0);
      expect(await rowsAt(module, postgres)).toEqual(sourceRows);
    });
  },
);
