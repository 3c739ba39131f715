import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { OrdersContract } from '@contracts/orders';
import { eventually, ModuleHarness } from '@seam/testing';
import { UnavailableError } from '@seam/transport';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { inTransaction } from '@seam/persistence';
import {
  confirm,
  flagCompensationPending,
  newOrder,
  type Order,
  recordPayment,
  recordStock,
  reject,
} from '../domain/order.js';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { SagaStore } from '../infrastructure/saga.store.js';
import { OrdersModule } from '../orders.module.js';
import { CARD, FakeNeighbours } from '../testing/fake-neighbours.js';
import { INTERRUPTED_REASON } from './resume-placement.js';
import { SagaRecovery } from './saga-recovery.js';

const neighbours = new FakeNeighbours();

/**
 * What a placement leaves behind when its process dies: the order row as last stored, and its
 * saga with a lease that has run out. Written through the repository, as the placement writes.
 */
async function crashedPlacement(orders: OrderRepository, progress: (order: Order) => Order): Promise<Order> {
  const placed = newOrder(
    { orderId: randomUUID(), customerId: randomUUID() },
    {
      lines: [{ sku: 'MUG-1', name: 'Mug', quantity: 1, unitPrice: { amount: 1_299, currency: 'EUR' } }],
      total: { amount: 1_299, currency: 'EUR' },
    },
    new Date(),
  );
  expect(await orders.insert(placed, 'orderPlaced', -1)).toBe(true);
  const stored = progress(placed);
  // Storing an unchanged order again is harmless: the update is conditional on `pending` only.
  expect(await orders.update(stored, 'pending')).toBe(true);
  return stored;
}

describe('place-order saga recovery: placements whose process died', () => {
  let harness: ModuleHarness;
  let orders: OrderRepository;
  let sagas: SagaStore;
  const stored = (orderId: string) => orders.findById(orderId);
  const finalState = (orderId: string) =>
    eventually(
      async () => {
        const order = await stored(orderId);
        expect(order?.status).not.toBe('pending');
        expect(order?.compensationPending).toBe(false);
        return order!;
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );

  /**
   * Every open saga's lease run out now, as the placing call's does some 11 s past its deadline:
   * claimed with a lease that ended a minute ago, for the recovery to claim next.
   */
  const expireLeases = () => sagas.claimStale('test: lease ran out', 100, -120_000, Date.now() + 60_000);

  beforeAll(async () => {
    harness = await ModuleHarness.start({
      module: OrdersModule,
      name: 'orders',
      fakes: neighbours.all,
      record: [OrdersContract.orderConfirmed, OrdersContract.orderRejected],
    });
    orders = harness.app.get(OrderRepository);
    sagas = harness.app.get(SagaStore);
    harness.app.get(SagaRecovery).configure({ pollMs: 20 });
  });
  beforeEach(() => neighbours.reset());
  afterAll(() => harness?.close());

  it('undoes a placement that died after reserving and authorizing (answer never stored): stock released, payment voided, order rejected', async () => {
    // The authorization happened at payments, but the process died before storing its answer.
    const crashed = await crashedPlacement(orders, (order) => recordStock(order, 'reserved', new Date()));
    const payment = neighbours.authorize(neighbours.authorizationFor(crashed));
    const order = await finalState(crashed.orderId);
    expect(order).toMatchObject({
      status: 'rejected',
      reason: INTERRUPTED_REASON,
      stock: 'released',
      payment: { paymentId: payment.paymentId, status: 'refunded' },
    });
    expect(neighbours.callsNamed('releaseStock')).toEqual([{ orderId: crashed.orderId }]);
    expect(neighbours.callsNamed('refundPayment')).toEqual([
      expect.objectContaining({ paymentId: payment.paymentId, idempotencyKey: `order-${crashed.orderId}-refund` }),
    ]);
    expect((await sagas.logOf(crashed.orderId)).map((step) => `${step.step}:${step.outcome}`)).toEqual([
      'recover:resumed',
      'release-stock:undone',
      'refund-payment:undone',
    ]);
    await eventually(() =>
      expect(
        harness.events(OrdersContract.orderRejected).filter((event) => event.orderId === crashed.orderId),
      ).toHaveLength(1),
    );
  });

  it('finishes forward a placement that died after capturing: the stock is committed and the order confirmed', async () => {
    const crashed = await crashedPlacement(orders, (order) =>
      recordPayment(
        recordStock(order, 'reserved', new Date()),
        { paymentId: randomUUID(), status: 'captured' },
        new Date(),
      ),
    );
    const order = await finalState(crashed.orderId);
    expect(order).toMatchObject({ status: 'confirmed', stock: 'committed', payment: { status: 'captured' } });
    expect(neighbours.callsNamed('commitStock')).toEqual([{ orderId: crashed.orderId }]);
    expect(neighbours.callsNamed('refundPayment')).toEqual([]);
    await eventually(() =>
      expect(
        harness.events(OrdersContract.orderConfirmed).filter((event) => event.orderId === crashed.orderId),
      ).toHaveLength(1),
    );
  });

  it('rejects a placement that died before doing anything, releasing nothing it did not hold', async () => {
    const crashed = await crashedPlacement(orders, (order) => order);
    const order = await finalState(crashed.orderId);
    expect(order).toMatchObject({ status: 'rejected', reason: INTERRUPTED_REASON, stock: 'released' });
    expect(order.payment).toBeUndefined();
    expect(neighbours.callsNamed('findOrderPayments')).toEqual([{ orderId: crashed.orderId }]);
  });

  it('keeps retrying while a neighbour is down, and finishes once it is back', async () => {
    let down = true;
    neighbours.inventory.respond('releaseStock', (request) => {
      neighbours.note('releaseStock', request);
      if (down) throw new UnavailableError('inventory is down');
      return { orderId: request.orderId, status: 'released', lines: [] };
    });
    const crashed = await crashedPlacement(orders, (order) => recordStock(order, 'reserved', new Date()));
    await eventually(() => expect(neighbours.callsNamed('releaseStock').length).toBeGreaterThanOrEqual(2), {
      timeoutMs: 10_000,
    });
    expect((await stored(crashed.orderId))?.status).toBe('pending');
    down = false;
    expect(await finalState(crashed.orderId)).toMatchObject({ status: 'rejected', stock: 'released' });
    expect(await sagas.openCount()).toBe(0);
  });

  it('retries the undo a rejected order still owes, then clears its flag', async () => {
    const owing = await crashedPlacement(orders, (order) => order);
    // As a placement leaves it when its own undo failed: rejected, stock still held, flagged.
    const flagged = flagCompensationPending(
      reject(recordStock(owing, 'reserved', new Date()), 'payment declined', new Date()),
      new Date(),
    );
    expect(await orders.update(flagged, 'pending', 'orderRejected')).toBe(true);
    const order = await finalState(owing.orderId);
    expect(order).toMatchObject({
      status: 'rejected',
      reason: 'payment declined',
      stock: 'released',
      compensationPending: false,
    });
  });

  it('undoes, never confirms, a placement that died mid-undo after refunding its captured payment', async () => {
    // Inventory is down for the placement's commit, and back for the recovery.
    neighbours.inventory.respond('commitStock', (request) => {
      neighbours.note('commitStock', request);
      if (neighbours.callsNamed('commitStock').length === 1) throw new UnavailableError('inventory is down');
      return { orderId: request.orderId, status: 'committed', lines: [] };
    });
    // The process dies as soon as payments has refunded: nothing it stores afterwards reaches the row.
    const update = orders.update.bind(orders);
    const store = jest.spyOn(orders, 'update').mockImplementation(async (...args) => {
      if (neighbours.callsNamed('refundPayment').length > 0) throw new Error('the process died');
      return update(...args);
    });
    try {
      await expect(
        harness.client.send(OrdersContract.placeOrder, {
          customerId: randomUUID(),
          lines: [{ sku: 'MUG-1', quantity: 1 }],
          cardNumber: CARD,
        }),
      ).rejects.toBeDefined();
    } finally {
      store.mockRestore();
    }
    const { orderId } = neighbours.callsNamed('reserveStock')[0] as { orderId: string };
    await expireLeases();

    expect(await finalState(orderId)).toMatchObject({
      status: 'rejected',
      reason: 'commit failed: UNAVAILABLE',
      stock: 'released',
      payment: { status: 'refunded' },
    });
    expect(neighbours.callsNamed('commitStock')).toHaveLength(1);
    await eventually(() =>
      expect(harness.events(OrdersContract.orderRejected).filter((event) => event.orderId === orderId)).toHaveLength(1),
    );
    expect(harness.events(OrdersContract.orderConfirmed).filter((event) => event.orderId === orderId)).toEqual([]);
  });

  it('closes the saga of an order already confirmed, calling no neighbour and leaving its row as it is', async () => {
    const placed = await crashedPlacement(orders, (order) =>
      recordStock(
        recordPayment(order, { paymentId: randomUUID(), status: 'captured' }, new Date()),
        'committed',
        new Date(),
      ),
    );
    expect(await orders.update(confirm(placed, new Date()), 'pending', 'orderConfirmed')).toBe(true);
    const before = await stored(placed.orderId);
    // A saga left open for a final order: what a recovery that lost its claim would have found.
    await inTransaction(harness.app.get<DataSource>(getDataSourceToken('orders')), (manager) =>
      sagas.open(manager, placed.orderId, -60_000),
    );
    await eventually(
      async () =>
        expect((await sagas.logOf(placed.orderId)).map((step) => step.detail)).toContain(
          'already confirmed: nothing to do',
        ),
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    expect(await stored(placed.orderId)).toEqual(before);
    expect(neighbours.journal).toEqual([]);
    expect(await sagas.claimStale('test: still open?', 100, 60_000)).toEqual([]);
  });

  it('leaves a live placement alone: its saga is held until the caller’s deadline has passed', async () => {
    const placed = await harness.client.send(OrdersContract.placeOrder, {
      customerId: randomUUID(),
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      cardNumber: CARD,
    });
    expect(placed.status).toBe('confirmed');
    expect(await sagas.openCount()).toBe(0);
    expect((await sagas.logOf(placed.orderId)).map((step) => step.step)).toEqual([
      'reserve-stock',
      'authorize-payment',
      'capture-payment',
      'commit-stock',
      'confirm',
    ]);
    expect(neighbours.callsNamed('releaseStock')).toEqual([]);
  });
});
