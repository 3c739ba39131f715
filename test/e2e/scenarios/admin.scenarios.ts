import { describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, type ShopClient, unique } from '../support/shop-client.js';

/** What only admins may do: manage products and stock. */
export function adminJourneys(shop: ShopClient): void {
  describe('an admin', () => {
    it('adds a product, changes it and sets its stock; the catalog shows it', async () => {
      const admin = bearer(await shop.admin());
      const sku = unique('NEW');
      const created = await shop
        .http()
        .post('/api/products')
        .set(admin)
        .send({ sku, name: 'Desk lamp', price: { amount: 3_900, currency: 'EUR' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ sku, name: 'Desk lamp', description: '', active: true });
      const changed = await shop
        .http()
        .patch(`/api/products/${sku}`)
        .set(admin)
        .send({ price: { amount: 3_500, currency: 'EUR' } });
      expect(changed.body).toMatchObject({ sku, name: 'Desk lamp', price: { amount: 3_500, currency: 'EUR' } });
      const stocked = await shop.http().put(`/api/products/${sku}/stock`).set(admin).send({ available: 12 });
      expect(stocked.body).toEqual({ sku, available: 12, reserved: 0 });
      expect((await shop.http().get(`/api/products/${sku}/stock`).set(admin)).body).toEqual({
        sku,
        available: 12,
        reserved: 0,
      });
      expect((await shop.http().get(`/api/products/${sku}`)).body).toMatchObject({ price: { amount: 3_500 } });
    });

    it('takes a product off sale: anyone gets 404 for it, as for an unknown sku; its stock is still managed', async () => {
      const admin = bearer(await shop.admin());
      const sku = unique('OFF');
      const created = await shop
        .http()
        .post('/api/products')
        .set(admin)
        .send({ sku, name: 'Old lamp', price: { amount: 900, currency: 'EUR' }, active: false });
      expect(created.body).toMatchObject({ sku, active: false });
      expectProblem(await shop.http().get(`/api/products/${sku}`), 404, 'NOT_FOUND', `/api/products/${sku}`);
      expectProblem(await shop.http().get(`/api/products/${sku}`).set(admin), 404, 'NOT_FOUND', `/api/products/${sku}`);
      const stocked = await shop.http().put(`/api/products/${sku}/stock`).set(admin).send({ available: 4 });
      expect(stocked.body).toEqual({ sku, available: 4, reserved: 0 });
      expect((await shop.http().get(`/api/products/${sku}/stock`).set(admin)).status).toBe(200);
      await shop.http().patch(`/api/products/${sku}`).set(admin).send({ active: true });
      expect((await shop.http().get(`/api/products/${sku}`)).body).toMatchObject({ sku, active: true });
    });

    it('gets 409 for a sku that exists, 404 for the stock of an unknown product, and 400 with the field for a bad one', async () => {
      const admin = bearer(await shop.admin());
      const existing = await shop
        .http()
        .post('/api/products')
        .set(admin)
        .send({ sku: 'MUG-SEAM', name: 'Another mug', price: { amount: 1, currency: 'EUR' } });
      expectProblem(existing, 409, 'CONFLICT', '/api/products');
      expectProblem(
        await shop.http().put('/api/products/NO-SUCH-SKU/stock').set(admin).send({ available: 1 }),
        404,
        'NOT_FOUND',
        '/api/products/NO-SUCH-SKU/stock',
      );
      const bad = await shop
        .http()
        .post('/api/products')
        .set(admin)
        .send({ sku: 'lower case', name: 'X', price: { amount: -1, currency: 'EUR' } });
      expect(expectProblem(bad, 400, 'VALIDATION', '/api/products').errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'sku' }),
          expect.objectContaining({ path: 'price.amount' }),
        ]),
      );
    });
  });

  describe('admin routes', () => {
    it('answer 401 without a token and 403 to a customer, changing nothing', async () => {
      const sku = await shop.newProduct({ price: 100, stock: 3 });
      const customer = await shop.register('eve');
      expectProblem(
        await shop.http().put(`/api/products/${sku}/stock`).send({ available: 999 }),
        401,
        'UNAUTHORIZED',
        `/api/products/${sku}/stock`,
      );
      const refused = await shop
        .http()
        .put(`/api/products/${sku}/stock`)
        .set(bearer(customer.token))
        .send({ available: 999 });
      expectProblem(refused, 403, 'FORBIDDEN', `/api/products/${sku}/stock`);
      expectProblem(
        await shop.http().post('/api/products').set(bearer(customer.token)).send({}),
        403,
        'FORBIDDEN',
        '/api/products',
      );
      expect(await shop.available(sku)).toBe(3);
    });
  });
}
