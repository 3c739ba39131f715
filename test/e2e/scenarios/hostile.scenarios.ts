import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { bearer, type Customer, errorPaths, expectProblem, type ShopClient } from '../support/shop-client.js';
import { expiredCopyOf, forgedCopyOf, resignedCopyOf, unsignedCopyOf } from '../support/tokens.js';

const CARD = '4242424242424242';

/** Hostile and broken requests: each gets the right problem document, and the app keeps serving. */
export function hostileInputs(shop: ShopClient): void {
  describe('hostile input', () => {
    let ada: Customer;
    let sku: string;

    /** A normal request right after a hostile one still works. */
    async function stillServes(): Promise<void> {
      expect((await shop.http().get('/api/products?pageSize=1')).status).toBe(200);
      expect((await shop.http().get('/api/me').set(bearer(ada.token))).status).toBe(200);
    }
    const postOrder = (raw: string) =>
      shop.http().post('/api/orders').set(bearer(ada.token)).set('Content-Type', 'application/json').send(raw);

    beforeAll(async () => {
      ada = await shop.register('ada');
      sku = await shop.newProduct({ price: 100, stock: 50 });
    });

    it('unknown fields, at any depth, are refused by name — a customerId in the body too', async () => {
      const response = await postOrder(
        JSON.stringify({ customerId: ada.userId, lines: [{ sku, quantity: 1, price: 0 }], cardNumber: CARD }),
      );
      expect(errorPaths(expectProblem(response, 400, 'VALIDATION', '/api/orders')).toSorted()).toEqual([
        'customerId',
        'lines[0].price',
      ]);
      const register = await shop
        .http()
        .post('/api/auth/register')
        .send({ email: 'mallory@example.com', password: 'long enough', name: 'M', roles: ['admin'] });
      expect(errorPaths(expectProblem(register, 400, 'VALIDATION', '/api/auth/register'))).toEqual(['roles']);
      await stillServes();
    });

    it('__proto__, constructor and prototype keys are refused wherever they are', async () => {
      const response = await postOrder(
        `{"lines":[{"sku":"${sku}","quantity":1,"__proto__":{"isAdmin":true}}],"cardNumber":"${CARD}","constructor":{"prototype":{"x":1}}}`,
      );
      expect(errorPaths(expectProblem(response, 400, 'VALIDATION', '/api/orders'))).toEqual([
        'lines[0].__proto__',
        'constructor',
      ]);
      const login = await shop
        .http()
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"__proto__":{"email":"x"}}');
      expect(errorPaths(expectProblem(login, 400, 'VALIDATION', '/api/auth/login'))).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      await stillServes();
    });

    it('wrong types are refused with their paths: a JSON body is never coerced', async () => {
      const response = await postOrder(
        JSON.stringify({
          lines: [
            { sku, quantity: '2' },
            { sku: 42, quantity: 1 },
          ],
          cardNumber: 4242424242424242,
        }),
      );
      expect(errorPaths(expectProblem(response, 400, 'VALIDATION', '/api/orders'))).toEqual([
        'lines[0].quantity',
        'lines[1].sku',
        'cardNumber',
      ]);
      expect(errorPaths(expectProblem(await postOrder('[]'), 400, 'VALIDATION', '/api/orders')).length).toBeGreaterThan(
        0,
      );
      expect(
        errorPaths(expectProblem(await shop.http().get('/api/products?page=two'), 400, 'VALIDATION', '/api/products')),
      ).toEqual(['page']);
      expect(
        errorPaths(
          expectProblem(
            await shop.http().get('/api/orders/42').set(bearer(ada.token)),
            400,
            'VALIDATION',
            '/api/orders/42',
          ),
        ),
      ).toEqual(['id']);
      await stillServes();
    });

    it('a product repeated over many lines is held to 100 in all: 400 naming the sku, nothing held', async () => {
      const lines = Array.from({ length: 20 }, () => ({ sku, quantity: 100 }));
      const problem = expectProblem(
        await postOrder(JSON.stringify({ lines, cardNumber: CARD })),
        400,
        'VALIDATION',
        '/api/orders',
      );
      expect(problem.errors).toEqual([
        {
          path: 'lines[1].quantity',
          messages: [`quantity of ${sku} must not be greater than 100 in all: its lines add up to 2000`],
        },
      ]);
      expect(await shop.available(sku)).toBe(50);
      await stillServes();
    });

    it('a bad Idempotency-Key header is refused under its own name', async () => {
      const response = await shop.placeOrder(
        ada,
        { lines: [{ sku, quantity: 1 }], cardNumber: CARD },
        'no spaces allowed',
      );
      expect(errorPaths(expectProblem(response, 400, 'VALIDATION', '/api/orders'))).toEqual(['Idempotency-Key']);
      await stillServes();
    });

    it('a 150 kB body is refused with 413 before anything reads it', async () => {
      const huge = JSON.stringify({
        lines: [{ sku, quantity: 1 }],
        cardNumber: CARD,
        padding: 'x'.repeat(150 * 1_024),
      });
      expectProblem(await postOrder(huge), 413, 'VALIDATION', '/api/orders');
      await stillServes();
    });

    it('malformed JSON is a 400 malformed-json problem', async () => {
      const response = await postOrder('{"lines": [');
      expect(expectProblem(response, 400, 'VALIDATION', '/api/orders').type).toBe(
        'tag:seam.local,2026:problems/malformed-json',
      );
      await stillServes();
    });

    it('expired, forged and alg:none tokens, and malformed headers, are 401 with a Bearer challenge', async () => {
      // The crafting keeps the real claims: re-signed with the real key, the token is accepted.
      expect(
        (
          await shop
            .http()
            .get('/api/me')
            .set(bearer(await resignedCopyOf(ada.token)))
        ).status,
      ).toBe(200);
      const tokens = [
        await expiredCopyOf(ada.token),
        await forgedCopyOf(ada.token),
        unsignedCopyOf(ada.token),
        'not-a-jwt',
      ];
      const responses: Response[] = [];
      for (const token of tokens) responses.push(await shop.http().get('/api/me').set(bearer(token)));
      for (const header of ['Basic YWRtaW46YWRtaW4=', 'Bearer', `Bearer ${ada.token} extra`])
        responses.push(await shop.http().get('/api/me').set('Authorization', header));
      for (const response of responses) {
        expectProblem(response, 401, 'UNAUTHORIZED', '/api/me');
        expect(response.headers['www-authenticate']).toBe('Bearer realm="seam", error="invalid_token"');
      }
      const anonymous = await shop.http().get('/api/me');
      expectProblem(anonymous, 401, 'UNAUTHORIZED', '/api/me');
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="seam"');
      const forgedAdmin = await shop
        .http()
        .put(`/api/products/${sku}/stock`)
        .set(bearer(await forgedCopyOf(ada.token)))
        .send({ available: 0 });
      expectProblem(forgedAdmin, 401, 'UNAUTHORIZED', `/api/products/${sku}/stock`);
      expect(await shop.available(sku)).toBe(50);
      await stillServes();
    });

    it('a route that does not exist is 404, a method a route does not allow is 405 with Allow', async () => {
      expectProblem(await shop.http().get('/api/nothing-here'), 404, 'NOT_FOUND', '/api/nothing-here');
      const wrongMethod = await shop.http().delete('/api/products');
      expectProblem(wrongMethod, 405, 'NOT_FOUND', '/api/products');
      expect(wrongMethod.headers.allow).toBe('GET, HEAD, POST');
      expect((await shop.http().delete(`/api/orders/${ada.userId}`).set(bearer(ada.token))).headers.allow).toBe(
        'GET, HEAD',
      );
      await stillServes();
    });
  });
}
