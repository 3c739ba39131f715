import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type OrderEvent, OrdersContract, type OrderView, type PlaceOrder } from '@contracts/orders';
import { eventually, ModuleHarness } from '@seam/testing';
import {
  ConflictError,
  DeadlineExceededError,
  type EventEntry,
  NotFoundError,
  UnavailableError,
} from '@seam/transport';
import { OrdersModule } from './orders.module.js';
import { CARD, DECLINED_CARD, FakeNeighbours } from './testing/fake-neighbours.js';

const neighbours = new FakeNeighbours();
const { journal } = neighbours;
const callsNamed = (name: string) => neighbours.callsNamed(name);
const paymentOf = (orderId: string) => neighbours.paymentOf(orderId);

describe('orders module, through its contract: reading and cancelling orders', () => {
  let harness: ModuleHarness;
  const order = (overrides: Partial<PlaceOrder> = {}): PlaceOrder => ({
    customerId: randomUUID(),
    lines: [{ sku: 'MUG-1', quantity: 1 }],
    cardNumber: CARD,
    ...overrides,
  });
  const place = (request: PlaceOrder, timeoutMs?: number) =>
    harness.client.send(OrdersContract.placeOrder, request, { timeoutMs });
  const eventsOf = (entry: EventEntry<OrderEvent>, placed: OrderView) =>
    harness.events(entry).filter((event) => event.orderId === placed.orderId);

  beforeAll(async () => {
    harness = await ModuleHarness.start({
      module: OrdersModule,
      name: 'orders',
      fakes: neighbours.all,
      record: [
        OrdersContract.orderPlaced,
        OrdersContract.orderConfirmed,
        OrdersContract.orderRejected,
        OrdersContract.orderCancelled,
      ],
    });
  });
  beforeEach(() => neighbours.reset());
  afterAll(() => harness?.close());

  describe('getOrder', () => {
    it('answers the customer’s own order, and NotFound for another customer’s or an unknown one', async () => {
      const placed = await place(order());
      await expect(
        harness.client.send(OrdersContract.getOrder, { orderId: placed.orderId, customerId: placed.customerId }),
      ).resolves.toEqual(placed);
      await expect(
        harness.client.send(OrdersContract.getOrder, { orderId: placed.orderId, customerId: randomUUID() }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(harness.client.send(OrdersContract.getOrder, { orderId: randomUUID() })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });

  describe('listOrders', () => {
    it('pages a customer’s orders, newest first, with the total', async () => {
      const customerId = randomUUID();
      const ids: string[] = [];
      for (let index = 0; index < 3; index++) ids.push((await place(order({ customerId }))).orderId);
      await place(order());
      const first = await harness.client.send(OrdersContract.listOrders, { customerId, page: 1, pageSize: 2 });
      expect(first).toMatchObject({ page: 1, pageSize: 2, total: 3 });
      expect(first.items.map((item) => item.orderId)).toEqual([ids[2], ids[1]]);
      const second = await harness.client.send(OrdersContract.listOrders, { customerId, page: 2, pageSize: 2 });
      expect(second.items.map((item) => item.orderId)).toEqual([ids[0]]);
      expect((await harness.client.send(OrdersContract.listOrders, { customerId: randomUUID() })).total).toBe(0);
    });
  });

  describe('cancelOrder', () => {
    it('refunds, releases and cancels a confirmed order, and publishes it', async () => {
      const placed = await place(order());
      journal.length = 0;
      const cancelled = await harness.client.send(OrdersContract.cancelOrder, {
        orderId: placed.orderId,
        customerId: placed.customerId,
      });
      expect(cancelled).toMatchObject({ orderId: placed.orderId, status: 'cancelled' });
      expect(journal).toEqual([
        {
          name: 'refundPayment',
          request: { idempotencyKey: `order-${placed.orderId}-refund`, paymentId: paymentOf(placed.orderId).paymentId },
        },
        { name: 'releaseStock', request: { orderId: placed.orderId } },
      ]);
      await expect(harness.client.send(OrdersContract.getOrder, { orderId: placed.orderId })).resolves.toMatchObject({
        status: 'cancelled',
      });
      await eventually(() =>
        expect(eventsOf(OrdersContract.orderCancelled, placed)).toEqual([
          expect.objectContaining({ status: 'cancelled' }),
        ]),
      );
    });

    it('refuses a rejected or cancelled order with a Conflict naming its status', async () => {
      const rejected = await place(order({ cardNumber: DECLINED_CARD }));
      await expect(harness.client.send(OrdersContract.cancelOrder, { orderId: rejected.orderId })).rejects.toThrow(
        ConflictError,
      );
      await expect(
        harness.client.send(OrdersContract.cancelOrder, { orderId: rejected.orderId }),
      ).rejects.toMatchObject({ details: { status: 'rejected' } });
      const confirmed = await place(order());
      await harness.client.send(OrdersContract.cancelOrder, { orderId: confirmed.orderId });
      const error = await harness.client
        .send(OrdersContract.cancelOrder, { orderId: confirmed.orderId })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).message).toContain('is cancelled');
    });

    it('answers NotFound for another customer’s order, and changes nothing', async () => {
      const placed = await place(order());
      journal.length = 0;
      await expect(
        harness.client.send(OrdersContract.cancelOrder, { orderId: placed.orderId, customerId: randomUUID() }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(journal).toEqual([]);
    });

    it('fails with the callee’s error and stays confirmed when the refund fails; a retry then cancels', async () => {
      const placed = await place(order());
      neighbours.payments.respond('refundPayment', () => Promise.reject(new UnavailableError('provider down')));
      await expect(harness.client.send(OrdersContract.cancelOrder, { orderId: placed.orderId })).rejects.toBeInstanceOf(
        UnavailableError,
      );
      await expect(harness.client.send(OrdersContract.getOrder, { orderId: placed.orderId })).resolves.toMatchObject({
        status: 'confirmed',
      });
      expect(callsNamed('releaseStock')).toEqual([]);
      neighbours.reset();
      await expect(harness.client.send(OrdersContract.cancelOrder, { orderId: placed.orderId })).resolves.toMatchObject(
        { status: 'cancelled' },
      );
    });

    it('stays confirmed when the release fails after the refund; a retry refunds again (same key) and cancels', async () => {
      const placed = await place(order());
      journal.length = 0;
      neighbours.inventory.respond('releaseStock', () => Promise.reject(new DeadlineExceededError('inventory slow')));
      await expect(harness.client.send(OrdersContract.cancelOrder, { orderId: placed.orderId })).rejects.toBeInstanceOf(
        DeadlineExceededError,
      );
      await expect(harness.client.send(OrdersContract.getOrder, { orderId: placed.orderId })).resolves.toMatchObject({
        status: 'confirmed',
      });
      neighbours.reset();
      await expect(harness.client.send(OrdersContract.cancelOrder, { orderId: placed.orderId })).resolves.toMatchObject(
        { status: 'cancelled' },
      );
      const refundKeys = new Set(
        callsNamed('refundPayment').map((request) => (request as { idempotencyKey: string }).idempotencyKey),
      );
      expect(refundKeys).toEqual(new Set([`order-${placed.orderId}-refund`]));
      expect(callsNamed('releaseStock')).toEqual([{ orderId: placed.orderId }]);
      await eventually(() => expect(eventsOf(OrdersContract.orderCancelled, placed)).toHaveLength(1));
    });
  });
});
