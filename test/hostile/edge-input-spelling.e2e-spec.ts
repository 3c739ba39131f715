import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Database, sqliteTarget } from '../e2e/support/database-targets.js';
import { E2eMonolith } from '../e2e/support/e2e-monolith.js';
import { bearer, type Customer, errorPaths, expectProblem, ShopClient } from '../e2e/support/shop-client.js';

const CARD = '4242424242424242';
const DECIMAL_ONLY = 'must be a whole number in decimal digits (0-9)';
const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/**
 * How the edge reads what a client spells in its own way: an order id in upper case is the same
 * UUID (RFC 9562), an integer in a query string is decimal digits and nothing else, and content
 * that is not JSON is refused as such (415), not as a body with every field missing. Every
 * response is checked against the app's OpenAPI document.
 */
describe('the edge reads each spelling of an input for what it is', () => {
  let database: Database;
  let monolith: E2eMonolith;
  const shop = new ShopClient(() => monolith.server);
  let ada: Customer;
  let sku: string;

  beforeAll(async () => {
    database = await sqliteTarget().create();
    monolith = await E2eMonolith.start(database.config);
    // Listening, so that a raw request can reach it too (supertest then sends to the same port).
    await monolith.app.listen(0, '127.0.0.1');
    await shop.checkResponses();
    ada = await shop.register('ada');
    sku = await shop.newProduct({ price: 100, stock: 50 });
  }, 60_000);
  afterAll(async () => {
    await monolith?.close();
    await database?.drop();
  });

  /** The status and content type of `chunks` sent as chunked content (no Content-Length, which supertest always sets). */
  function sendChunked(path: string, contentType: string, chunks: string[]): Promise<[number, string]> {
    const { port } = monolith.server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const call = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { 'Content-Type': contentType },
      });
      call.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve([response.statusCode!, String(response.headers['content-type'])]));
      });
      call.on('error', reject);
      for (const chunk of chunks) call.write(chunk);
      call.end();
    });
  }

  async function placedOrderId(customer: Customer): Promise<string> {
    const placed = await shop.placeOrder(customer, { lines: [{ sku, quantity: 1 }], cardNumber: CARD });
    expect(placed.status).toBe(201);
    return (placed.body as { orderId: string }).orderId;
  }

  describe('an order id in upper case', () => {
    it('names the same order on every route that takes one: read, details, cancel', async () => {
      const id = await placedOrderId(ada);
      const upper = id.toUpperCase();
      const read = await shop.http().get(`/api/orders/${upper}`).set(bearer(ada.token));
      expect([read.status, (read.body as { orderId: string }).orderId]).toEqual([200, id]);
      const details = await shop.http().get(`/api/orders/${upper}/details`).set(bearer(ada.token));
      expect([details.status, (details.body as { order: { orderId: string } }).order.orderId]).toEqual([200, id]);
      const mixed = `${id.slice(0, 9)}${id.slice(9).toUpperCase()}`;
      const cancelled = await shop.http().post(`/api/orders/${mixed}/cancel`).set(bearer(ada.token));
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ orderId: id, status: 'cancelled' });
    });

    it('is still another customer’s order to anyone else: 404', async () => {
      const upper = (await placedOrderId(ada)).toUpperCase();
      const bob = await shop.register('bob');
      const response = await shop.http().get(`/api/orders/${upper}`).set(bearer(bob.token));
      expectProblem(response, 404, 'NOT_FOUND', `/api/orders/${upper}`);
    });
  });

  describe('an integer in a query string', () => {
    const spellings = ['0x10', '1e1', '%202', '%2B3', '1.0', '-1', '', '%EF%BC%91', '0b11', '2%20'];

    it.each(['/api/products', '/api/orders'])('is read from decimal digits only on %s', async (path) => {
      const get = (query: string) => shop.http().get(`${path}?${query}`).set(bearer(ada.token));
      for (const field of ['page', 'pageSize'])
        for (const spelling of spellings) {
          const body = expectProblem(await get(`${field}=${spelling}`), 400, 'VALIDATION', path);
          expect({ spelling, errors: body.errors }).toEqual({
            spelling,
            errors: [{ path: field, messages: [`${field} ${DECIMAL_ONLY}`] }],
          });
        }
      const leadingZeros = await get('page=002&pageSize=07');
      expect([leadingZeros.status, leadingZeros.body.page, leadingZeros.body.pageSize]).toEqual([200, 2, 7]);
    });

    it('is refused with every other field the query gets wrong', async () => {
      const response = await shop.http().get('/api/products?page=0x10&sort=price&pageSize=1e1');
      expect(errorPaths(expectProblem(response, 400, 'VALIDATION', '/api/products')).toSorted()).toEqual([
        'page',
        'pageSize',
        'sort',
      ]);
    });
  });

  describe('content that is not JSON', () => {
    const login = { email: 'ada@example.com', password: 'not her password' };

    it('is a 415 problem on every route that reads a body, however the path is spelt', async () => {
      const admin = bearer(await shop.admin());
      const stock = await shop.available(sku);
      const requests = [
        shop.http().post('/api/auth/login').set('Content-Type', 'text/plain'),
        // The document spells paths in lower case: this one is not checked against it.
        shop.unchecked().post('/API/Auth/Login').set('Content-Type', 'application/x-www-form-urlencoded'),
        shop.http().post('/api/auth/register').set('Content-Type', 'application/jsonx'),
        shop.http().post('/api/orders').set(bearer(ada.token)).set('Content-Type', 'text/json'),
        shop.http().patch(`/api/products/${sku}`).set(admin).set('Content-Type', 'text/plain'),
        shop.http().put(`/api/products/${sku}/stock`).set(admin).set('Content-Type', 'application/xml'),
      ];
      for (const request of requests) {
        const response = await request.send(JSON.stringify(login));
        const body = expectProblem(response, 415, 'VALIDATION', new URL(response.request.url).pathname);
        expect(body).toMatchObject({
          type: 'tag:seam.local,2026:problems/http-415',
          title: 'Unsupported Media Type',
          detail: 'The request content must be JSON: send it with Content-Type: application/json',
        });
      }
      expect(await shop.available(sku)).toBe(stock);
    });

    it('is a 415 without any Content-Type, and when it comes in chunks', async () => {
      const bare = await shop
        .http()
        .post('/api/auth/login')
        .send(Buffer.from(JSON.stringify(login)));
      expectProblem(bare, 415, 'VALIDATION', '/api/auth/login');
      const chunks = [JSON.stringify(login).slice(0, 10), JSON.stringify(login).slice(10)];
      expect(await sendChunked('/api/auth/login', 'text/plain', chunks)).toEqual([415, PROBLEM_JSON]);
      // The same chunks as JSON are read: the log-in is refused for the password, not the content.
      expect((await sendChunked('/api/auth/login', 'application/json', chunks))[0]).toBe(401);
    });

    it('is not asked of JSON in any spelling the parser reads, nor of a request with no content', async () => {
      for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json'])
        expect((await shop.http().post('/api/auth/login').set('Content-Type', type).send(login)).status).toBe(401);
      const id = await placedOrderId(ada);
      const cancel = await shop
        .http()
        .post(`/api/orders/${id}/cancel`)
        .set(bearer(ada.token))
        .set('Content-Type', 'text/plain')
        .set('Content-Length', '0');
      expect(cancel.status).toBe(200);
      // No content, hence nothing unsupported: the body is missing, as before.
      const empty = await shop.http().post('/api/auth/login');
      expect(errorPaths(expectProblem(empty, 400, 'VALIDATION', '/api/auth/login'))).toEqual(['email', 'password']);
    });

    it('leaves a path no route has a 404, and a method a route does not allow a 405', async () => {
      const text = (request: ReturnType<ReturnType<typeof shop.http>['post']>) =>
        request.set('Content-Type', 'text/plain').send('hello');
      expectProblem(await text(shop.http().post('/api/nothing-here')), 404, 'NOT_FOUND', '/api/nothing-here');
      expectProblem(await text(shop.http().put('/api/orders')), 405, 'NOT_FOUND', '/api/orders');
    });
  });
});
