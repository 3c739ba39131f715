import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OrdersContract } from '@contracts/orders';
import { eventually, ModuleHarness } from '@seam/testing';
import { UnavailableError } from '@seam/transport';
import { newOrder, type Order, recordPayment, recordStock, flagCompensationPending, reject } from '../domain/order.js';
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
  expect(await orders.insert(placed, 'orderPlaced', Date.now() - 1)).toBe(true);
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
