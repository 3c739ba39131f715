import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Reservation } from '@contracts/inventory';
import { eventually, ModuleHarness } from '@seam/testing';
import { newOrder, type Order, recordStock } from '../domain/order.js';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { SagaStore } from '../infrastructure/saga.store.js';
import { OrderCalls } from '../order.calls.js';
import { OrdersModule } from '../orders.module.js';
import { FakeNeighbours } from '../testing/fake-neighbours.js';
import { SagaRecovery } from './saga-recovery.js';

const neighbours = new FakeNeighbours();

/** A placement whose process died holding stock, its saga's lease run out: recovery releases the stock. */
async function crashedPlacement(orders: OrderRepository): Promise<Order> {
  const placed = newOrder(
    { orderId: randomUUID(), customerId: randomUUID() },
    {
      lines: [{ sku: 'MUG-1', name: 'Mug', quantity: 1, unitPrice: { amount: 1_299, currency: 'EUR' } }],
      total: { amount: 1_299, currency: 'EUR' },
    },
    new Date(),
  );
  expect(await orders.insert(placed, 'orderPlaced', -1)).toBe(true);
  const stored = recordStock(placed, 'reserved', new Date());
  expect(await orders.update(stored, 'pending')).toBe(true);
  return stored;
}

/**
 * Makes the inventory hang on the first release until the returned function is called; later
 * releases are answered at once.
 */
function hangFirstRelease(): () => void {
  let answer: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  neighbours.inventory.respond('releaseStock', async (request) => {
    neighbours.note('releaseStock', request);
    if (neighbours.callsNamed('releaseStock').length === 1) await answered;
    return { orderId: request.orderId, status: 'released', lines: [] } satisfies Reservation;
  });
  return () => answer();
}

describe('place-order saga recovery: stopping', () => {
  let harness: ModuleHarness;
  let orders: OrderRepository;
  let sagas: SagaStore;
  const replica = () => new SagaRecovery(sagas, orders, harness.app.get(OrderCalls));
  const releasedOrderIds = () =>
    neighbours.callsNamed('releaseStock').map((request) => (request as { orderId: string }).orderId);

  beforeAll(async () => {
    harness = await ModuleHarness.start({ module: OrdersModule, name: 'orders', fakes: neighbours.all });
    orders = harness.app.get(OrderRepository);
    sagas = harness.app.get(SagaStore);
    // The app's own recovery would race the replicas below, which these tests drive by hand.
    await harness.app.get(SagaRecovery).onApplicationShutdown();
  });
  beforeEach(() => neighbours.reset());
  afterAll(() => harness?.close());

  it('ends a sweep with the saga in progress when a neighbour hangs, and another replica finishes the rest at once', async () => {
    const crashed = await Promise.all(Array.from({ length: 5 }, () => crashedPlacement(orders)));
    // The inventory hangs on the first release until the test answers it; later ones are answered at once.
    const answerHungRelease = hangFirstRelease();

    const stopped = replica();
    // Call deadlines far beyond the test: the hang ends when the test answers it, not by timing out.
    stopped.configure({ callTimeoutMs: 60_000 });
    const sweep = stopped.sweep();
    let sweepEnded = false;
    sweep.then(
      () => (sweepEnded = true),
      () => undefined,
    );
    await eventually(() => expect(releasedOrderIds()).toHaveLength(1));
    const [inProgress] = releasedOrderIds() as [string];
    const stopping = stopped.onApplicationShutdown();
    answerHungRelease();
    await stopping;

    // Stopping waited for the sweep to end with the saga in progress, and it started no other.
    expect(sweepEnded).toBe(true);
    expect(releasedOrderIds()).toEqual([inProgress]);
    expect(await sweep).toBe(1);
    expect(await orders.findById(inProgress)).toMatchObject({ status: 'rejected', stock: 'released' });
    // The four not started are claimable now, not 30 s (the default claim) from now.
    expect(await sagas.countByState()).toEqual({ running: 0, recovering: 0, stalled: 4 });
    expect(await replica().sweep()).toBe(4);

    for (const { orderId } of crashed) {
      expect(await orders.findById(orderId)).toMatchObject({ status: 'rejected', stock: 'released' });
      expect((await sagas.logOf(orderId)).filter((step) => step.step === 'recover')).toHaveLength(1);
    }
    expect(releasedOrderIds().toSorted()).toEqual(crashed.map((order) => order.orderId).toSorted());
    expect(await sagas.openCount()).toBe(0);
  });

  it('stops starting sagas as soon as the app begins to close (before its servers drain), without waiting', async () => {
    const crashed = await Promise.all(Array.from({ length: 3 }, () => crashedPlacement(orders)));
    const answerHungRelease = hangFirstRelease();
    const closing = replica();
    closing.configure({ callTimeoutMs: 60_000 });
    const sweep = closing.sweep();
    await eventually(() => expect(releasedOrderIds()).toHaveLength(1));

    // Nest's first shutdown hook: synchronous, so the HTTP and Seam servers' drains run meanwhile.
    expect(closing.beforeApplicationShutdown()).toBeUndefined();
    answerHungRelease();
    expect(await sweep).toBe(1);
    expect(await sagas.countByState()).toEqual({ running: 0, recovering: 0, stalled: 2 });
    expect(await replica().sweep()).toBe(2);
    for (const { orderId } of crashed)
      expect(await orders.findById(orderId)).toMatchObject({ status: 'rejected', stock: 'released' });
  });

  it('claims nothing in a sweep started once stopped, and leaves the saga to another replica', async () => {
    const crashed = await crashedPlacement(orders);
    const stopped = replica();
    await stopped.onApplicationShutdown();

    expect(await stopped.sweep()).toBe(0);
    expect(neighbours.journal).toEqual([]);
    expect(await sagas.countByState()).toEqual({ running: 0, recovering: 0, stalled: 1 });
    expect(await replica().sweep()).toBe(1);
    expect(await orders.findById(crashed.orderId)).toMatchObject({ status: 'rejected', stock: 'released' });
  });
});
