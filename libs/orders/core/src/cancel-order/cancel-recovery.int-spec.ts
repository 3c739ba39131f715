import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OrdersContract, type OrderView } from '@contracts/orders';
import { eventually, ModuleHarness } from '@seam/testing';
import { ConflictError, DeadlineExceededError, UnavailableError } from '@seam/transport';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { SagaStore } from '../infrastructure/saga.store.js';
import { OrdersModule } from '../orders.module.js';
import { SagaRecovery } from '../place-order/saga-recovery.js';
import { CARD, FakeNeighbours } from '../testing/fake-neighbours.js';

const neighbours = new FakeNeighbours();

/**
 * A cancel that fails half-way — its process dies, or a call fails after the refund may have
 * been done — must not leave a confirmed order whose money went back: the saga recovery finishes
 * the cancellation when nobody calls again.
 */
describe('cancelOrder cut short: finished by the saga recovery', () => {
  let harness: ModuleHarness;
  let orders: OrderRepository;
  let sagas: SagaStore;

  /** Every open saga's lease run out now, as the cancelling call's does some 11 s past its deadline. */
  const expireLeases = () => sagas.claimStale('test: lease ran out', 100, -120_000, Date.now() + 60_000);
  const place = (): Promise<OrderView> =>
    harness.client.send(OrdersContract.placeOrder, {
      customerId: randomUUID(),
      lines: [{ sku: 'MUG-1', quantity: 2 }],
      cardNumber: CARD,
    });
  const cancel = (placed: OrderView) =>
    harness.client.send(OrdersContract.cancelOrder, { orderId: placed.orderId, customerId: placed.customerId });
  const cancelledEvents = (placed: OrderView) =>
    harness.events(OrdersContract.orderCancelled).filter((event) => event.orderId === placed.orderId);

  beforeAll(async () => {
    harness = await ModuleHarness.start({
      module: OrdersModule,
      name: 'orders',
      fakes: neighbours.all,
      record: [OrdersContract.orderCancelled],
    });
    orders = harness.app.get(OrderRepository);
    sagas = harness.app.get(SagaStore);
    harness.app.get(SagaRecovery).configure({ pollMs: 20 });
  });
  beforeEach(() => neighbours.reset());
  afterAll(() => harness?.close());

  it('cancels an order whose release failed after its refund, though nobody cancels it again', async () => {
    const placed = await place();
    neighbours.inventory.respond('releaseStock', () => Promise.reject(new DeadlineExceededError('inventory slow')));
    await expect(cancel(placed)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(neighbours.callsNamed('refundPayment')).toHaveLength(1);

    neighbours.reset();
    await expireLeases();
    const order = await eventually(
      async () => {
        const stored = await orders.findById(placed.orderId);
        expect(stored?.status).toBe('cancelled');
        return stored!;
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    expect(order).toMatchObject({ stock: 'released', payment: { status: 'refunded' }, compensationPending: false });
    expect(neighbours.callsNamed('releaseStock')).toEqual([{ orderId: placed.orderId }]);
    // Refunded again with the order's one key: payments answers its first refund, nothing more.
    expect(neighbours.callsNamed('refundPayment')).toEqual([
      expect.objectContaining({ idempotencyKey: `order-${placed.orderId}-refund` }),
    ]);
    await eventually(() => expect(cancelledEvents(placed)).toHaveLength(1));
    expect(await sagas.openCount()).toBe(0);
  });

  it('cancels an order whose refund may have been done (payments timed out)', async () => {
    const placed = await place();
    neighbours.payments.respond('refundPayment', () => Promise.reject(new UnavailableError('provider timed out')));
    await expect(cancel(placed)).rejects.toBeInstanceOf(UnavailableError);
    expect(neighbours.callsNamed('releaseStock')).toEqual([]);

    neighbours.reset();
    await expireLeases();
    await eventually(async () => expect(await orders.findById(placed.orderId)).toMatchObject({ status: 'cancelled' }), {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    await eventually(() => expect(cancelledEvents(placed)).toHaveLength(1));
  });

  it('gives up a cancel whose refund payments refused outright: confirmed, owing nothing, no saga left', async () => {
    const placed = await place();
    const refused = new ConflictError(`Payment ${placed.payment!.paymentId} cannot be refunded`);
    neighbours.payments.respond('refundPayment', () => Promise.reject(refused));
    await expect(cancel(placed)).rejects.toBeInstanceOf(ConflictError);

    expect(await orders.findById(placed.orderId)).toMatchObject({
      status: 'confirmed',
      payment: { status: 'captured' },
      compensationPending: false,
    });
    expect(await sagas.openCount()).toBe(0);
    expect(neighbours.callsNamed('releaseStock')).toEqual([]);
  });
});
