import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import type { Response } from 'supertest';
import { E2E_JWT_SECRET } from '../e2e/support/e2e-accounts.js';
import { E2eMonolith } from '../e2e/support/e2e-monolith.js';
import { bearer, type Customer, expectProblem, ShopClient } from '../e2e/support/shop-client.js';

const CARD = '4242424242424242';
const OTHER_CARD = '5555555555554444';
const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Signs a real token's claims again with the e2e key, under the given `kid` (none: no kid at all). */
const resigned = (token: string, kid?: string) =>
  new SignJWT({ ...decodeJwt(token) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(kid === undefined ? {} : { kid }) })
    .sign(new TextEncoder().encode(E2E_JWT_SECRET));

/** helmet's headers, as configured for the edge: the same on answers, problems and the docs. */
function expectSecurityHeaders(response: Response): void {
  const csp = response.headers['content-security-policy'] as string;
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  // It would send a plain-HTTP browser to HTTPS for the Swagger UI's scripts.
  expect(csp).not.toContain('upgrade-insecure-requests');
  expect(response.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
  });
  expect(response.headers).not.toHaveProperty('x-powered-by');
}

describe('the hardened HTTP edge (in-process monolith, SQLite)', () => {
  let dataDir: string;
  let monolith: E2eMonolith;
  const shop = new ShopClient(() => monolith.server);
  let ada: Customer;
  let sku: string;

  beforeAll(async () => {
    // A data directory the monolith creates itself, so that its mode is the one it chose.
    dataDir = join(mkdtempSync(join(tmpdir(), 'seam-edge-hardening-')), 'data');
    monolith = await E2eMonolith.start({ kind: 'sqlite', dataDir });
    await shop.checkResponses();
    ada = await shop.register('ada');
    sku = await shop.newProduct({ price: 250, stock: 20 });
  }, 60_000);

  afterAll(async () => {
    await monolith?.close();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  describe('security headers', () => {
    it('are on every kind of response: answers, 4xx problems of each origin, health and the docs', async () => {
      const responses = [
        await shop.http().get('/api/products?pageSize=1'),
        await shop.http().get('/api/me'),
        await shop.http().get('/api/nothing-here'),
        await shop.http().post('/api/orders').set(bearer(ada.token)).set('Content-Type', 'application/json').send('{'),
        await shop
          .http()
          .post('/api/orders')
          .set(bearer(ada.token))
          .send({ junk: 'x'.repeat(200_000) }),
        await shop.http().get('/health'),
        await shop.http().get('/docs'),
        await shop.http().get('/docs-json'),
      ];
      expect(responses.map((response) => response.status)).toEqual([200, 401, 404, 400, 413, 200, 200, 200]);
      for (const response of responses) expectSecurityHeaders(response);
    });

    it('let the Swagger UI load: every script and stylesheet it names is a file of this origin that answers', async () => {
      const page = await shop.http().get('/docs');
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      const assets: string[] = [];
      for (const [, attributes, body] of scripts) {
        // An inline script would need 'unsafe-inline' or a hash in script-src: the CSP would block it.
        expect(body!.trim()).toBe('');
        assets.push(/src=["']([^"']+)["']/.exec(attributes!)![1]!);
      }
      for (const [, href] of page.text.matchAll(/<link\b[^>]*rel=["']stylesheet["'][^>]*href=["']([^"']+)["']/g))
        assets.push(href!);
      for (const asset of assets) {
        // Relative to the page (same origin, so 'self' covers it); nothing from another host.
        expect(asset).not.toMatch(/^(https?:)?\/\//);
        const url = new URL(asset, 'http://edge.test/docs');
        const response = await shop.http().get(url.pathname);
        expect([asset, response.status]).toEqual([asset, 200]);
        expect(response.headers['content-type']).toMatch(/javascript|css/);
      }
      expect(assets.some((asset) => asset.endsWith('swagger-ui-init.js'))).toBe(true);
    });
  });

  describe('Cache-Control: no-store', () => {
    it('is on every auth answer — register, log-in, a refused log-in, the account — and on credentialed requests', async () => {
      const email = `carol-${Date.now()}@example.com`;
      const responses = [
        await shop.http().post('/api/auth/register').send({ email, password: 'carol password 123', name: 'Carol' }),
        await shop.http().post('/api/auth/login').send({ email, password: 'carol password 123' }),
        await shop.http().post('/api/auth/login').send({ email, password: 'wrong password 123' }),
        await shop.http().post('/api/auth/login').send({ email: 42 }),
        await shop.http().get('/api/me').set(bearer(ada.token)),
        await shop.http().get('/api/orders').set(bearer(ada.token)),
        // A public route ignores the token, but the request presented credentials all the same.
        await shop.http().get('/api/products?pageSize=1').set(bearer('not-even-a-token')),
      ];
      expect(responses.map((response) => response.status)).toEqual([201, 200, 401, 400, 200, 200, 200]);
      for (const response of responses) expect(response.headers['cache-control']).toBe('no-store');
      expect((responses[1]!.body as { accessToken: string }).accessToken).toEqual(expect.any(String));
    });

    it('is not forced on anonymous public reads', async () => {
      const response = await shop.http().get('/api/products?pageSize=1');
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).not.toBe('no-store');
    });
  });

  describe('Idempotency-Key', () => {
    const key = () => `edge-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;

    it('answers the first order again for the same body, and 422 for a different one, placing nothing more', async () => {
      const idempotencyKey = key();
      const body = { lines: [{ sku, quantity: 2 }], cardNumber: CARD };
      const first = await shop.placeOrder(ada, body, idempotencyKey);
      expect(first.status).toBe(201);
      const stockAfterFirst = await shop.available(sku);
      // The same request written otherwise: keys reordered, or the quantity split over two lines of
      // the sku (an order's lines are merged per sku, so both place the same order).
      for (const same of [
        { cardNumber: CARD, lines: [{ quantity: 2, sku }] },
        {
          lines: [
            { sku, quantity: 1 },
            { sku, quantity: 1 },
          ],
          cardNumber: CARD,
        },
      ]) {
        const again = await shop.placeOrder(ada, same, idempotencyKey);
        expect(again.status).toBe(201);
        expect((again.body as { id: string }).id).toBe((first.body as { id: string }).id);
      }

      for (const changed of [
        { lines: [{ sku, quantity: 3 }], cardNumber: CARD },
        { lines: [{ sku, quantity: 2 }], cardNumber: OTHER_CARD },
      ]) {
        const refused = await shop.placeOrder(ada, changed, idempotencyKey);
        const problem = expectProblem(refused, 422, 'VALIDATION', '/api/orders');
        expect(problem.detail).toMatch(/Idempotency-Key was already used for a different request/);
        expect(problem.type).toBe('tag:seam.local,2026:problems/http-422');
      }
      expect(await shop.available(sku)).toBe(stockAfterFirst);
      const orders = await shop.http().get('/api/orders').set(bearer(ada.token));
      const ids = (orders.body as { items: Array<{ id: string }> }).items.map((order) => order.id);
      expect(ids.filter((id) => id === (first.body as { id: string }).id)).toHaveLength(1);
    });

    it('is the customer’s own: another customer may use the same key for another body', async () => {
      const idempotencyKey = key();
      expect(
        (await shop.placeOrder(ada, { lines: [{ sku, quantity: 1 }], cardNumber: CARD }, idempotencyKey)).status,
      ).toBe(201);
      const bob = await shop.register('bob');
      const bobs = await shop.placeOrder(bob, { lines: [{ sku, quantity: 2 }], cardNumber: CARD }, idempotencyKey);
      expect(bobs.status).toBe(201);
    });
  });

  describe('token key ids', () => {
    it('issues tokens naming their key; an unknown kid is 401 even when the signature is right', async () => {
      const { kid } = decodeProtectedHeader(ada.token);
      expect(kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(
        (
          await shop
            .http()
            .get('/api/me')
            .set(bearer(await resigned(ada.token, kid)))
        ).status,
      ).toBe(200);
      for (const other of ['rotated-out-key', '', `${kid}x`]) {
        const response = await shop
          .http()
          .get('/api/me')
          .set(bearer(await resigned(ada.token, other)));
        expectProblem(response, 401, 'UNAUTHORIZED', '/api/me');
        expect(response.headers['www-authenticate']).toBe('Bearer realm="seam", error="invalid_token"');
      }
    });
  });

  describe('data at rest', () => {
    it('keeps the data directory 0700 and every module file 0600', () => {
      expect(modeOf(dataDir)).toBe(0o700);
      for (const module of ['catalog', 'identity', 'inventory', 'orders', 'payments'])
        expect([module, modeOf(join(dataDir, `${module}.sqlite`))]).toEqual([module, 0o600]);
    });
  });
});
