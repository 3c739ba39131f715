import { describe, expect, it } from '@jest/globals';
import { eventually } from '@seam/testing';
import { bearer, type Customer, expectProblem, type ShopClient } from '../support/shop-client.js';

const APPROVED_CARD = '4242424242424242';
const DECLINED_CARD = '4000000000000002';

interface Order {
  orderId: string;
  status: string;
  reason?: string;
  total: { amount: number; currency: string };
  lines: Array<{ sku: string; quantity: number }>;
}

/** A customer's journeys: account, browsing, ordering, paying, cancelling. */
export function shoppingJourneys(shop: ShopClient): void {
  describe('a customer', () => {
    it('registers, logs in and sees their account', async () => {
      const ada = await shop.register('ada');
      const me = await shop.http().get('/api/me').set(bearer(ada.token));
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        id: ada.userId,
        email: ada.email,
        name: 'ada',
        roles: ['customer'],
        createdAt: expect.any(String),
      });
      expect(me.body).not.toHaveProperty('passwordHash');
    });

    it('cannot log in with a wrong password, nor register an email twice', async () => {
      const ada = await shop.register('ada');
      expectProblem(
        await shop.http().post('/api/auth/login').send({ email: ada.email, password: 'not the password' }),
        401,
        'UNAUTHORIZED',
        '/api/auth/login',
      );
      const again = await shop
        .http()
        .post('/api/auth/register')
        .send({ email: ada.email, password: 'another password', name: 'Ada' });
      expectProblem(again, 409, 'CONFLICT', '/api/auth/register');
    });

    it('browses the demo catalog: pages, text search and one product, without an account', async () => {
      const page = await shop.http().get('/api/products?page=1&pageSize=3');
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ page: 1, pageSize: 3, total: expect.any(Number) });
      expect((page.body as { total: number }).total).toBeGreaterThanOrEqual(8);
      const mugs = await shop.http().get('/api/products').query({ q: 'enamel mug' });
      expect((mugs.body as { items: Array<{ sku: string }> }).items.map((item) => item.sku)).toEqual(['MUG-SEAM']);
      const mug = await shop.http().get('/api/products/MUG-SEAM');
      expect(mug.body).toMatchObject({
        sku: 'MUG-SEAM',
        name: 'Seam enamel mug',
        price: { amount: 1_499, currency: 'EUR' },
        active: true,
      });
      expectProblem(
        await shop.http().get('/api/products/NO-SUCH-THING'),
        404,
        'NOT_FOUND',
        '/api/products/NO-SUCH-THING',
      );
    });

    it('orders and pays: the order is confirmed, priced by the catalog, listed, and the stock goes down', async () => {
      const sku = await shop.newProduct({ price: 1_250, stock: 10 });
      const ada = await shop.register('ada');
      const placed = await shop.placeOrder(ada, { lines: [{ sku, quantity: 3 }], cardNumber: APPROVED_CARD });
      expect(placed.status).toBe(201);
      const order = placed.body as Order;
      expect(order).toMatchObject({
        status: 'confirmed',
        total: { amount: 3_750, currency: 'EUR' },
        lines: [{ sku, quantity: 3 }],
        payment: { status: 'captured' },
      });
      expect(order).not.toHaveProperty('customerId');
      expect(await shop.available(sku)).toBe(7);
      expect((await shop.http().get(`/api/orders/${order.orderId}`).set(bearer(ada.token))).body).toEqual(order);
      const mine = await shop.http().get('/api/orders?page=1&pageSize=5').set(bearer(ada.token));
      expect(mine.body).toMatchObject({ page: 1, pageSize: 5, total: 1, items: [{ orderId: order.orderId }] });
    });

    it('reads an order with its products as the catalog shows them now (orders and catalog composed at the edge)', async () => {
      const [mug, lamp] = [
        await shop.newProduct({ price: 1_000, stock: 5 }),
        await shop.newProduct({ price: 4_000, stock: 5 }),
      ];
      const [ada, bob]: Customer[] = [await shop.register('ada'), await shop.register('bob')];
      const lines = [
        { sku: lamp, quantity: 1 },
        { sku: mug, quantity: 2 },
        { sku: lamp, quantity: 1 },
      ];
      const order = (await shop.placeOrder(ada, { lines, cardNumber: APPROVED_CARD })).body as Order;
      const repriced = await shop
        .http()
        .patch(`/api/products/${mug}`)
        .set(bearer(await shop.admin()))
        .send({ price: { amount: 1_200, currency: 'EUR' }, active: false });
      expect(repriced.status).toBe(200);
      const details = await shop.http().get(`/api/orders/${order.orderId}/details`).set(bearer(ada.token));
      expect(details.status).toBe(200);
      expect(details.body).toEqual({
        order,
        products: [
          { sku: lamp, name: `Product ${lamp}`, unitPrice: { amount: 4_000, currency: 'EUR' }, active: true },
          { sku: mug, name: `Product ${mug}`, unitPrice: { amount: 1_200, currency: 'EUR' }, active: false },
        ],
      });
      const path = `/api/orders/${order.orderId}/details`;
      expectProblem(await shop.http().get(path).set(bearer(bob.token)), 404, 'NOT_FOUND', path);
      expectProblem(await shop.http().get(path), 401, 'UNAUTHORIZED', path);
    });

    it('pays with a declined card: the order is rejected (201, with the reason) and the stock is restored', async () => {
      const sku = await shop.newProduct({ price: 900, stock: 5 });
      const ada = await shop.register('ada');
      const placed = await shop.placeOrder(ada, { lines: [{ sku, quantity: 2 }], cardNumber: DECLINED_CARD });
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({
        status: 'rejected',
        reason: expect.stringContaining('declined'),
        payment: { status: 'declined' },
      });
      expect(await shop.available(sku)).toBe(5);
    });

    it('orders more than is in stock: the order is rejected and nothing is held', async () => {
      const sku = await shop.newProduct({ price: 900, stock: 1 });
      const placed = await shop.placeOrder(await shop.register('ada'), {
        lines: [{ sku, quantity: 2 }],
        cardNumber: APPROVED_CARD,
      });
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({ status: 'rejected', reason: expect.any(String) });
      expect(placed.body).not.toHaveProperty('payment');
      expect(await shop.available(sku)).toBe(1);
    });

    it('cancels a confirmed order: it is refunded, and its stock is back', async () => {
      const sku = await shop.newProduct({ price: 2_000, stock: 4 });
      const ada = await shop.register('ada');
      const { orderId } = (await shop.placeOrder(ada, { lines: [{ sku, quantity: 4 }], cardNumber: APPROVED_CARD }))
        .body as Order;
      expect(await shop.available(sku)).toBe(0);
      const cancelled = await shop.http().post(`/api/orders/${orderId}/cancel`).set(bearer(ada.token));
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ orderId, status: 'cancelled', payment: { status: 'refunded' } });
      expect(await shop.available(sku)).toBe(4);
      const again = await shop.http().post(`/api/orders/${orderId}/cancel`).set(bearer(ada.token));
      expectProblem(again, 409, 'CONFLICT', `/api/orders/${orderId}/cancel`);
    });

    it('sees their activity follow their orders through the orders outbox: confirmed, rejected (not counted), cancelled', async () => {
      const sku = await shop.newProduct({ price: 1_100, stock: 10 });
      const ada = await shop.register('ada');
      const activity = async () => (await shop.http().get('/api/me/activity').set(bearer(ada.token))).body as unknown;
      expect(await activity()).toEqual({ confirmedOrders: 0, cancelledOrders: 0, spent: [] });
      const first = (await shop.placeOrder(ada, { lines: [{ sku, quantity: 2 }], cardNumber: APPROVED_CARD }))
        .body as Order;
      await shop.placeOrder(ada, { lines: [{ sku, quantity: 1 }], cardNumber: APPROVED_CARD });
      await shop.placeOrder(ada, { lines: [{ sku, quantity: 1 }], cardNumber: DECLINED_CARD });
      await eventually(
        async () =>
          expect(await activity()).toEqual({
            confirmedOrders: 2,
            cancelledOrders: 0,
            spent: [{ amount: 3_300, currency: 'EUR' }],
          }),
        { timeoutMs: 10_000 },
      );
      expect((await shop.http().post(`/api/orders/${first.orderId}/cancel`).set(bearer(ada.token))).status).toBe(200);
      await eventually(
        async () =>
          expect(await activity()).toEqual({
            confirmedOrders: 2,
            cancelledOrders: 1,
            spent: [{ amount: 1_100, currency: 'EUR' }],
          }),
        { timeoutMs: 10_000 },
      );
      expectProblem(await shop.http().get('/api/me/activity'), 401, 'UNAUTHORIZED', '/api/me/activity');
    });

    it('places an order once per Idempotency-Key, however often it is sent', async () => {
      const sku = await shop.newProduct({ price: 500, stock: 10 });
      const ada = await shop.register('ada');
      const body = { lines: [{ sku, quantity: 2 }], cardNumber: APPROVED_CARD };
      const first = await shop.placeOrder(ada, body, 'checkout-attempt-0001');
      const second = await shop.placeOrder(ada, body, 'checkout-attempt-0001');
      expect(second.status).toBe(201);
      expect((second.body as Order).orderId).toBe((first.body as Order).orderId);
      expect(await shop.available(sku)).toBe(8);
      // The same order written otherwise (lines in another order, a sku split in two) is the same request.
      const other = await shop.newProduct({ price: 300, stock: 10 });
      const lines = [
        { sku, quantity: 1 },
        { sku: other, quantity: 1 },
      ];
      const placed = await shop.placeOrder(ada, { lines, cardNumber: APPROVED_CARD }, 'checkout-attempt-0002');
      const reordered = [{ sku: other, quantity: 1 }, ...lines.slice(0, 1)];
      const again = await shop.placeOrder(
        ada,
        { lines: reordered, cardNumber: APPROVED_CARD },
        'checkout-attempt-0002',
      );
      expect(again.status).toBe(201);
      expect((again.body as Order).orderId).toBe((placed.body as Order).orderId);
      expect(await shop.available(other)).toBe(9);
    });

    it('sees another customer’s order as if it did not exist (404), and cannot cancel it', async () => {
      const sku = await shop.newProduct({ price: 700, stock: 3 });
      const [ada, bob]: Customer[] = [await shop.register('ada'), await shop.register('bob')];
      const { orderId } = (await shop.placeOrder(ada, { lines: [{ sku, quantity: 1 }], cardNumber: APPROVED_CARD }))
        .body as Order;
      expectProblem(
        await shop.http().get(`/api/orders/${orderId}`).set(bearer(bob.token)),
        404,
        'NOT_FOUND',
        `/api/orders/${orderId}`,
      );
      expectProblem(
        await shop.http().post(`/api/orders/${orderId}/cancel`).set(bearer(bob.token)),
        404,
        'NOT_FOUND',
        `/api/orders/${orderId}/cancel`,
      );
      expect((await shop.http().get('/api/orders').set(bearer(bob.token))).body).toMatchObject({ total: 0, items: [] });
      expect((await shop.http().get(`/api/orders/${orderId}`).set(bearer(ada.token))).body).toMatchObject({
        status: 'confirmed',
      });
    });
  });
}
