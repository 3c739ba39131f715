import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OrdersContract } from '@contracts/orders';
import { MAX_PAYMENT_AMOUNT } from '@contracts/payments';
import { ModuleHarness } from '@seam/testing';
import { OrdersModule } from '../orders.module.js';
import { CARD, FakeNeighbours } from '../testing/fake-neighbours.js';

const neighbours = new FakeNeighbours();
/** The catalog's highest price (10,000,000.00): ten units reach the most one payment may take. */
const DEAREST = 1_000_000_000;

describe('placeOrder: a total above what one payment may take', () => {
  let harness: ModuleHarness;
  const place = (quantity: number) =>
    harness.client.send(OrdersContract.placeOrder, {
      customerId: randomUUID(),
      lines: [{ sku: 'GOLD-1', quantity }],
      cardNumber: CARD,
    });

  beforeAll(async () => {
    harness = await ModuleHarness.start({ module: OrdersModule, name: 'orders', fakes: neighbours.all });
  });
  beforeEach(() => {
    neighbours.reset();
    neighbours.catalog.respond('getPrices', ({ skus }) => ({
      prices: skus.map((sku) => ({ sku, name: 'Gold', unitPrice: { amount: DEAREST, currency: 'EUR' }, active: true })),
      unknownSkus: [],
    }));
  });
  afterAll(() => harness?.close());

  it('is rejected with the reason before any stock is held or payment asked for', async () => {
    const order = await place(11);
    expect(order).toMatchObject({
      status: 'rejected',
      reason: `order total too large: at most ${MAX_PAYMENT_AMOUNT} minor units of EUR`,
    });
    expect(neighbours.journal.map((call) => call.name)).toEqual([]);
  });

  it('is placed when the total is exactly the most one payment may take', async () => {
    const order = await place(10);
    expect(order).toMatchObject({ status: 'confirmed', total: { amount: MAX_PAYMENT_AMOUNT, currency: 'EUR' } });
  });
});
