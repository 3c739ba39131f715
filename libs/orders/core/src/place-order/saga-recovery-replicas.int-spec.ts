import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Reservation } from '@contracts/inventory';
import { eventually, ModuleHarness } from '@seam/testing';
import { newOrder, type Order, recordPayment, recordStock } from '../domain/order.js';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { SagaStore } from '../infrastructure/saga.store.js';
import { OrderCalls } from '../order.calls.js';
import { OrdersModule } from '../orders.module.js';
import { FakeNeighbours } from '../testing/fake-neighbours.js';
import { SagaRecovery } from './saga-recovery.js';

const neighbours = new FakeNeighbours();

/**
 * A placement whose process died, as it left its order row, with its saga's lease given as
 * `leaseMs` from now — negative: already run out, that long ago (the recoveries claim the oldest
 * lease first).
 */
async function crashedPlacement(
  orders: OrderRepository,
  leaseMs: number,
  progress: (order: Order) => Order,
): Promise<Order> {
  const placed = newOrder(
    { orderId: randomUUID(), customerId: randomUUID() },
    {
      lines: [{ sku: 'MUG-1', name: 'Mug', quantity: 1, unitPrice: { amount: 1_299, currency: 'EUR' } }],
      total: { amount: 1_299, currency: 'EUR' },
    },
    new Date(),
  );
  expect(await orders.insert(placed, 'orderPlaced', leaseMs)).toBe(true);
  const stored = progress(placed);
  expect(await orders.update(stored, 'pending')).toBe(true);
  return stored;
}

describe('place-order saga recovery: two replicas', () => {
  let harness: ModuleHarness;

  beforeAll(async () => {
    harness = await ModuleHarness.start({ module: OrdersModule, name: 'orders', fakes: neighbours.all });
    // The app's own recovery would race the two below, which this test drives by hand.
    await harness.app.get(SagaRecovery).onApplicationShutdown();
    neighbours.reset();
  });
  afterAll(() => harness?.close());

  it('leaves alone a saga whose claim ran out mid-sweep: the order another replica confirmed keeps its payment', async () => {
    const orders = harness.app.get(OrderRepository);
    const sagas = harness.app.get(SagaStore);
    const replica = () => new SagaRecovery(sagas, orders, harness.app.get(OrderCalls));
    // Recovered first: died holding stock only, so it is undone — slowly, on replica 1.
    const slow = await crashedPlacement(orders, -2_000, (order) => recordStock(order, 'reserved', new Date()));
    // Recovered second: died after capturing, so it is finished forward.
    const captured = await crashedPlacement(orders, -1_000, (order) =>
      recordPayment(
        recordStock(order, 'reserved', new Date()),
        { paymentId: neighbours.authorize(neighbours.authorizationFor(order)).paymentId, status: 'captured' },
        new Date(),
      ),
    );
    let answerFirstRelease: () => void = () => undefined;
    const firstReleaseAnswered = new Promise<void>((resolve) => (answerFirstRelease = resolve));
    neighbours.inventory.respond('releaseStock', async (request) => {
      neighbours.note('releaseStock', request);
      if (neighbours.callsNamed('releaseStock').length === 1) await firstReleaseAnswered;
      return { orderId: request.orderId, status: 'released', lines: [] } satisfies Reservation;
    });

    // A short claim stands for the default 30 s outlasted by a sweep of 20 slow recoveries.
    const replica1 = replica();
    replica1.configure({ leaseMs: 200 });
    const replica2 = replica();
    const sweep1 = replica1.sweep();
    await eventually(() => expect(neighbours.callsNamed('releaseStock')).toHaveLength(1));
    // Replica 1's claim runs out while it waits: replica 2 claims both sagas and finishes them.
    await eventually(
      async () => {
        await replica2.sweep();
        expect(await orders.findById(slow.orderId)).toMatchObject({ status: 'rejected', stock: 'released' });
        expect(await orders.findById(captured.orderId)).toMatchObject({ status: 'confirmed' });
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    answerFirstRelease();
    const finishedByReplica1 = await sweep1;

    expect(await orders.findById(captured.orderId)).toMatchObject({
      status: 'confirmed',
      stock: 'committed',
      payment: { status: 'captured' },
    });
    expect(neighbours.callsNamed('refundPayment')).toEqual([]);
    expect(neighbours.callsNamed('commitStock')).toEqual([{ orderId: captured.orderId }]);
    // Only replica 2 recovered it: replica 1 did not even store it again.
    expect((await sagas.logOf(captured.orderId)).map((step) => `${step.step}:${step.outcome}`)).toEqual([
      'recover:resumed',
      'commit-stock:done',
      'confirm:done',
    ]);
    expect(finishedByReplica1).toBe(0);
  });
});
