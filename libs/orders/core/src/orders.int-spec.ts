import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Reservation } from '@contracts/inventory';
import { type OrderEvent, OrdersContract, type OrderView, type PlaceOrder } from '@contracts/orders';
import { eventually, ModuleHarness } from '@seam/testing';
import {
  ConflictError,
  DeadlineExceededError,
  type EventEntry,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '@seam/transport';
import type { DataSource } from 'typeorm';
import { OrderRecord } from './infrastructure/order.record.js';
import { OrderRepository } from './infrastructure/order.repository.js';
import { legacyRequestFingerprintOf } from './place-order/request-fingerprint.js';
import { OrdersModule } from './orders.module.js';
import { CARD, DECLINED_CARD, FakeNeighbours } from './testing/fake-neighbours.js';

const neighbours = new FakeNeighbours();
const { journal } = neighbours;
const callsNamed = (name: string) => neighbours.callsNamed(name);
const paymentOf = (orderId: string) => neighbours.paymentOf(orderId);

describe('orders module, through its contract: placing orders', () => {
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

  describe('placeOrder', () => {
    it('confirms an order: prices, reserves, authorizes, captures, commits, in that order, and publishes placed and confirmed', async () => {
      const placed = await place(
        order({
          lines: [
            { sku: 'MUG-1', quantity: 2 },
            { sku: 'TEE-1', quantity: 1 },
          ],
        }),
      );
      const { orderId } = placed;
      expect(placed).toMatchObject({
        status: 'confirmed',
        total: { amount: 5_098, currency: 'EUR' },
        lines: [
          {
            sku: 'MUG-1',
            name: 'Mug',
            quantity: 2,
            unitPrice: { amount: 1_299, currency: 'EUR' },
            lineTotal: { amount: 2_598, currency: 'EUR' },
          },
          {
            sku: 'TEE-1',
            name: 'Tee',
            quantity: 1,
            unitPrice: { amount: 2_500, currency: 'EUR' },
            lineTotal: { amount: 2_500, currency: 'EUR' },
          },
        ],
      });
      expect(placed.reason).toBeUndefined();
      const { paymentId } = paymentOf(orderId);
      expect(journal).toEqual([
        { name: 'getPrices', request: { skus: ['MUG-1', 'TEE-1'] } },
        {
          name: 'reserveStock',
          request: {
            orderId,
            lines: [
              { sku: 'MUG-1', quantity: 2 },
              { sku: 'TEE-1', quantity: 1 },
            ],
          },
        },
        {
          name: 'authorizePayment',
          request: {
            idempotencyKey: `order-${orderId}-authorize`,
            orderId,
            amount: { amount: 5_098, currency: 'EUR' },
            cardNumber: CARD,
          },
        },
        { name: 'capturePayment', request: { idempotencyKey: `order-${orderId}-capture`, paymentId } },
        { name: 'commitStock', request: { orderId } },
      ]);
      await eventually(() => {
        expect(eventsOf(OrdersContract.orderPlaced, placed)).toEqual([
          expect.objectContaining({ status: 'pending', total: { amount: 5_098, currency: 'EUR' } }),
        ]);
        expect(eventsOf(OrdersContract.orderConfirmed, placed)).toEqual([
          expect.objectContaining({ status: 'confirmed', customerId: placed.customerId }),
        ]);
      });
      expect(eventsOf(OrdersContract.orderRejected, placed)).toEqual([]);
    });

    it('merges repeated skus into one line', async () => {
      const placed = await place(
        order({
          lines: [
            { sku: 'MUG-1', quantity: 1 },
            { sku: 'TEE-1', quantity: 1 },
            { sku: 'MUG-1', quantity: 2 },
          ],
        }),
      );
      expect(placed.lines.map(({ sku, quantity }) => ({ sku, quantity }))).toEqual([
        { sku: 'MUG-1', quantity: 3 },
        { sku: 'TEE-1', quantity: 1 },
      ]);
      expect(callsNamed('reserveStock')).toEqual([
        {
          orderId: placed.orderId,
          lines: [
            { sku: 'MUG-1', quantity: 3 },
            { sku: 'TEE-1', quantity: 1 },
          ],
        },
      ]);
      expect(placed.total).toEqual({ amount: 6_397, currency: 'EUR' });
    });

    it.each([
      ['an unknown product', [{ sku: 'GHOST-1', quantity: 1 }], 'unknown product: GHOST-1'],
      ['a product not for sale', [{ sku: 'OLD-1', quantity: 1 }], 'not for sale: OLD-1'],
      [
        'lines in two currencies',
        [
          { sku: 'MUG-1', quantity: 1 },
          { sku: 'CAP-US', quantity: 1 },
        ],
        'mixed currencies: EUR, USD',
      ],
    ])('rejects %s without touching stock or payment, and publishes the rejection', async (_case, lines, reason) => {
      const placed = await place(order({ lines }));
      expect(placed).toMatchObject({ status: 'rejected', reason, lines: [] });
      expect(journal.map((call) => call.name)).toEqual(['getPrices']);
      await expect(harness.client.send(OrdersContract.getOrder, { orderId: placed.orderId })).resolves.toMatchObject({
        status: 'rejected',
        reason,
      });
      await eventually(() =>
        expect(eventsOf(OrdersContract.orderRejected, placed)).toEqual([expect.objectContaining({ reason })]),
      );
    });

    it('rejects when the catalog cannot answer, naming the step', async () => {
      neighbours.catalog.respond('getPrices', () => Promise.reject(new UnavailableError('catalog down')));
      await expect(place(order())).resolves.toMatchObject({ status: 'rejected', reason: 'price failed: UNAVAILABLE' });
      expect(journal).toEqual([]);
    });

    it('rejects an order out of stock, naming the sku, with no payment call', async () => {
      const placed = await place(
        order({
          lines: [
            { sku: 'MUG-1', quantity: 1 },
            { sku: 'RARE-1', quantity: 2 },
          ],
        }),
      );
      expect(placed).toMatchObject({ status: 'rejected', reason: 'out of stock: RARE-1' });
      expect(journal.map((call) => call.name)).toEqual(['getPrices', 'reserveStock']);
      await eventually(() => expect(eventsOf(OrdersContract.orderRejected, placed)).toHaveLength(1));
    });

    it('releases the stock when the payment is declined, and rejects with the reason', async () => {
      const placed = await place(order({ cardNumber: DECLINED_CARD }));
      expect(placed).toMatchObject({ status: 'rejected', reason: 'payment declined: card_declined' });
      expect(journal.map((call) => call.name)).toEqual([
        'getPrices',
        'reserveStock',
        'authorizePayment',
        'releaseStock',
      ]);
      expect(callsNamed('releaseStock')).toEqual([{ orderId: placed.orderId }]);
    });

    it('refunds and releases when the capture fails', async () => {
      neighbours.payments.respond(
        'capturePayment',
        (request) => (
          neighbours.note('capturePayment', request),
          Promise.reject(new UnavailableError('provider down'))
        ),
      );
      const placed = await place(order());
      expect(placed).toMatchObject({ status: 'rejected', reason: 'capture failed: UNAVAILABLE' });
      expect(callsNamed('refundPayment')).toEqual([
        { idempotencyKey: `order-${placed.orderId}-refund`, paymentId: paymentOf(placed.orderId).paymentId },
      ]);
      expect(callsNamed('releaseStock')).toEqual([{ orderId: placed.orderId }]);
      expect(callsNamed('commitStock')).toEqual([]);
      await eventually(() =>
        expect(eventsOf(OrdersContract.orderRejected, placed)).toEqual([
          expect.objectContaining({ reason: 'capture failed: UNAVAILABLE' }),
        ]),
      );
    });

    it('rejects when the inventory is unavailable, releasing whatever it may have held, with no payment call', async () => {
      neighbours.inventory.respond(
        'reserveStock',
        (request) => (neighbours.note('reserveStock', request), Promise.reject(new UnavailableError('inventory down'))),
      );
      // What an inventory deployed before release tombstones answers for an order it has no
      // reservation for (today's answers `released` with no lines, as the fake does by default).
      neighbours.inventory.respond(
        'releaseStock',
        (request) => (neighbours.note('releaseStock', request), Promise.reject(new NotFoundError('no reservation'))),
      );
      const placed = await place(order());
      expect(placed).toMatchObject({ status: 'rejected', reason: 'reserve failed: UNAVAILABLE' });
      expect(journal.map((call) => call.name)).toEqual(['getPrices', 'reserveStock', 'releaseStock']);
    });

    it('voids an authorization whose answer was lost: the same key finds it again', async () => {
      neighbours.payments.respond('authorizePayment', (request) => {
        neighbours.authorize(request);
        // Payments authorized, but its answer never came back; it answers the next calls.
        neighbours.payments.respond('authorizePayment', neighbours.authorize);
        throw new DeadlineExceededError('no answer in time');
      });
      const placed = await place(order());
      expect(placed).toMatchObject({ status: 'rejected', reason: 'authorize failed: DEADLINE_EXCEEDED' });
      expect(callsNamed('authorizePayment')).toHaveLength(2);
      expect(callsNamed('refundPayment')).toEqual([
        { idempotencyKey: `order-${placed.orderId}-refund`, paymentId: paymentOf(placed.orderId).paymentId },
      ]);
      expect(callsNamed('releaseStock')).toEqual([{ orderId: placed.orderId }]);
    });

    it('abandons a step that does not answer in time, undoes, and still answers within the caller’s budget', async () => {
      let answer: () => void = () => undefined;
      neighbours.inventory.respond('reserveStock', (request) => {
        neighbours.note('reserveStock', request);
        return new Promise<Reservation>(
          (resolve) => (answer = () => resolve({ orderId: request.orderId, status: 'reserved', lines: [] })),
        );
      });
      try {
        // 1.8 s: a step allowed the whole budget would leave the caller without an answer.
        const placed = await place(order(), 1_800);
        expect(placed).toMatchObject({ status: 'rejected', reason: 'reserve failed: DEADLINE_EXCEEDED' });
        expect(callsNamed('releaseStock')).toEqual([{ orderId: placed.orderId }]);
        expect(callsNamed('authorizePayment')).toEqual([]);
      } finally {
        answer();
      }
    });

    it('records a failed undo step on the order, and still does the others', async () => {
      neighbours.payments.respond('capturePayment', () => Promise.reject(new UnavailableError('provider down')));
      neighbours.payments.respond(
        'refundPayment',
        (request) => (neighbours.note('refundPayment', request), Promise.reject(new UnavailableError('provider down'))),
      );
      const placed = await place(order());
      expect(placed).toMatchObject({ status: 'rejected', reason: 'capture failed: UNAVAILABLE' });
      expect(callsNamed('refundPayment')).toHaveLength(1);
      expect(callsNamed('releaseStock')).toEqual([{ orderId: placed.orderId }]);
      // The contract does not show the saga's bookkeeping; the repository does.
      const stored = await harness.app.get(OrderRepository).findById(placed.orderId);
      expect(stored).toMatchObject({ compensationPending: true, stock: 'released', payment: { status: 'authorized' } });
    });

    it('answers the first order again for the same customer, key and request, without placing it twice', async () => {
      const request = order({ idempotencyKey: `retry-${randomUUID()}` });
      const first = await place(request);
      journal.length = 0;
      const again = await place({ ...request, lines: [{ ...request.lines[0]! }] });
      expect(again).toEqual(first);
      expect(journal).toEqual([]);
      const otherCustomer = await place({ ...request, customerId: randomUUID() });
      expect(otherCustomer.orderId).not.toBe(first.orderId);
    });

    it('refuses the key reused with other lines or another card, placing nothing', async () => {
      const request = order({ idempotencyKey: `reuse-${randomUUID()}` });
      const first = await place(request);
      journal.length = 0;
      for (const changed of [
        { ...request, lines: [{ sku: 'TEE-1', quantity: 5 }] },
        { ...request, lines: [{ sku: 'MUG-1', quantity: 2 }] },
        { ...request, lines: [...request.lines, { sku: 'TEE-1', quantity: 1 }] },
        { ...request, cardNumber: '4000056655665556' },
      ]) {
        const error = await place(changed).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConflictError);
        expect(error).toMatchObject({
          details: { reason: 'idempotency-key-reused', idempotencyKey: request.idempotencyKey },
        });
      }
      expect(journal).toEqual([]);
      await expect(place(request)).resolves.toEqual(first);
    });

    it('answers the first order again for the same lines in another order, or a sku split over two lines', async () => {
      const lines = [
        { sku: 'MUG-1', quantity: 2 },
        { sku: 'TEE-1', quantity: 1 },
      ];
      const request = order({ idempotencyKey: `reorder-${randomUUID()}`, lines });
      const first = await place(request);
      journal.length = 0;
      await expect(place({ ...request, lines: lines.toReversed() })).resolves.toEqual(first);
      const split = [
        { sku: 'TEE-1', quantity: 1 },
        { sku: 'MUG-1', quantity: 1 },
        { sku: 'MUG-1', quantity: 1 },
      ];
      await expect(place({ ...request, lines: split })).resolves.toEqual(first);
      expect(journal).toEqual([]);
    });

    it('recognises the original body of an order stored with the fingerprint of before', async () => {
      const lines = [
        { sku: 'TEE-1', quantity: 1 },
        { sku: 'MUG-1', quantity: 1 },
      ];
      const request = order({ idempotencyKey: `legacy-${randomUUID()}`, lines });
      const first = await place(request);
      await harness.app
        .get<DataSource>(getDataSourceToken('orders'))
        .getRepository(OrderRecord)
        .update({ orderId: first.orderId }, { requestFingerprint: legacyRequestFingerprintOf(request) });
      journal.length = 0;
      await expect(place(request)).resolves.toEqual(first);
      await expect(place({ ...request, lines: [{ sku: 'MUG-1', quantity: 1 }] })).rejects.toMatchObject({
        details: { reason: 'idempotency-key-reused' },
      });
      expect(journal).toEqual([]);
    });

    it('places one order when the same key races with two different requests: the other is refused', async () => {
      const request = order({ idempotencyKey: `race-diff-${randomUUID()}` });
      const outcomes = await Promise.allSettled([
        place(request),
        place({ ...request, lines: [{ sku: 'TEE-1', quantity: 2 }] }),
      ]);
      const placed = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(placed).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
        details: { reason: 'idempotency-key-reused' },
      });
      expect(callsNamed('reserveStock')).toHaveLength(1);
    });

    it('places once when two calls with the same key race: the loser answers the winner’s order', async () => {
      const request = order({ idempotencyKey: `race-${randomUUID()}` });
      const [one, two] = await Promise.all([place(request), place(request)]);
      expect(two.orderId).toBe(one.orderId);
      expect(callsNamed('reserveStock')).toHaveLength(1);
      expect(callsNamed('authorizePayment')).toHaveLength(1);
      // The loser may have answered while the winner was still placing it.
      await expect(harness.client.send(OrdersContract.getOrder, { orderId: one.orderId })).resolves.toMatchObject({
        status: 'confirmed',
      });
    });

    it('refuses more than 100 of a product over several lines, naming the sku, placing nothing', async () => {
      const lines = Array.from({ length: 20 }, () => ({ sku: 'MUG-1', quantity: 100 }));
      const error = await place(order({ lines })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual([
        {
          path: 'lines[1].quantity',
          messages: ['quantity of MUG-1 must not be greater than 100 in all: its lines add up to 2000'],
        },
      ]);
      expect(journal).toEqual([]);
      const fits = [
        { sku: 'MUG-1', quantity: 60 },
        { sku: 'MUG-1', quantity: 40 },
      ];
      await expect(place(order({ lines: fits }))).resolves.toMatchObject({
        status: 'confirmed',
        lines: [expect.objectContaining({ sku: 'MUG-1', quantity: 100 })],
      });
    });

    it('refuses invalid input, naming each field', async () => {
      const bad = {
        customerId: 'someone',
        lines: [{ sku: 'mug', quantity: 0 }],
        cardNumber: '12',
        idempotencyKey: 'short',
      };
      const error = await place(bad).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).fields.map((field) => field.path).toSorted();
      expect(paths).toEqual(['cardNumber', 'customerId', 'idempotencyKey', 'lines[0].quantity', 'lines[0].sku']);
      await expect(place(order({ lines: [] }))).rejects.toMatchObject({
        fields: [expect.objectContaining({ path: 'lines' })],
      });
    });
  });
});
