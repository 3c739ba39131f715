import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import * as fc from 'fast-check';
import type { Response } from 'supertest';
import type { DataSource } from 'typeorm';
import { type Database, sqliteTarget } from '../e2e/support/database-targets.js';
import { E2eMonolith } from '../e2e/support/e2e-monolith.js';
import { bearer, errorPaths, expectProblem, ShopClient } from '../e2e/support/shop-client.js';
import { hostilePayload } from './support/dto-rules.js';

const MONEY = { amount: 1499, currency: 'EUR' };
const EXISTING = 'FUZZ-PATCH';
const NEW = 'FUZZ-NEW';

// The products endpoints over real HTTP (the monolith in this process, on SQLite): hostile bodies
// are answered 4xx with a problem document, never 5xx, and a refused request stores nothing.
describe('products endpoints under hostile bodies (HTTP)', () => {
  let database: Database;
  let monolith: E2eMonolith;
  let shop: ShopClient;
  let admin: Record<string, string>;

  /** Every product row as stored, to compare before and after a refused request. */
  const stored = (): Promise<unknown[]> =>
    monolith.app
      .get<DataSource>(getDataSourceToken('catalog'), { strict: false })
      .query('SELECT * FROM product ORDER BY sku');

  const create = (body: unknown): Promise<Response> =>
    shop.http().post('/api/products').set(admin).set('Content-Type', 'application/json').send(JSON.stringify(body));
  const update = (body: unknown): Promise<Response> =>
    shop
      .http()
      .patch(`/api/products/${EXISTING}`)
      .set(admin)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));

  /** `request` is refused as invalid at `path`, and the product table is as it was. */
  async function expectRefused(request: () => Promise<Response>, instance: string, path: string): Promise<void> {
    const before = await stored();
    const body = expectProblem(await request(), 400, 'VALIDATION', instance);
    expect(errorPaths(body)).toContain(path);
    expect(await stored()).toEqual(before);
  }

  beforeAll(async () => {
    database = await sqliteTarget().create();
    monolith = await E2eMonolith.start(database.config);
    shop = new ShopClient(() => monolith.server);
    await shop.checkResponses();
    admin = bearer(await shop.admin());
    const created = await create({ sku: EXISTING, name: 'Mug', description: 'Enamel', price: MONEY });
    if (created.status !== 201) throw new Error(`creating ${EXISTING}: HTTP ${created.status}`);
  }, 60_000);

  afterAll(async () => {
    await monolith?.close();
    await database?.drop();
  });

  describe('the 500s a fuzzer found, now 400s', () => {
    it('POST /api/products with "price": [] (an array where an object is declared)', async () => {
      await expectRefused(() => create({ sku: NEW, name: 'Cup', price: [] }), '/api/products', 'price');
      await expectRefused(() => create({ sku: NEW, name: 'Cup', price: [MONEY] }), '/api/products', 'price');
    });

    it('POST /api/products with no price at all', async () => {
      await expectRefused(() => create({ sku: NEW, name: 'Cup' }), '/api/products', 'price');
      await expectRefused(() => create({ sku: NEW, name: 'Cup', price: null }), '/api/products', 'price');
    });

    it('PATCH /api/products/{sku} with "name": null', async () => {
      await expectRefused(() => update({ name: null }), `/api/products/${EXISTING}`, 'name');
    });

    it('PATCH /api/products/{sku} with "description": null (and price null or an array)', async () => {
      await expectRefused(() => update({ description: null }), `/api/products/${EXISTING}`, 'description');
      await expectRefused(() => update({ price: null }), `/api/products/${EXISTING}`, 'price');
      await expectRefused(() => update({ price: [] }), `/api/products/${EXISTING}`, 'price');
    });

    it('PATCH with absent fields still changes only what it names', async () => {
      const changed = await update({ description: 'Blue enamel' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ sku: EXISTING, name: 'Mug', description: 'Blue enamel', price: MONEY });
    });
  });

  it('the OpenAPI document the fuzzer reads still says what the doors enforce', async () => {
    const { components } = (await shop.http().get('/docs-json')).body as {
      components: { schemas: Record<string, { required?: string[]; properties: Record<string, unknown> }> };
    };
    const { CreateProductRequest: createSchema, UpdateProductRequest: updateSchema } = components.schemas;
    expect(createSchema!.required).toEqual(expect.arrayContaining(['sku', 'name', 'price']));
    expect(createSchema!.properties.price).toEqual({ $ref: '#/components/schemas/MoneyDto' });
    expect(updateSchema!.required ?? []).toEqual([]);
    expect(updateSchema!.properties.price).toEqual({ $ref: '#/components/schemas/MoneyDto' });
  });

  it('a body with thousands of invalid fields gets a small answer: 20 fields, the count in detail', async () => {
    const unknown = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`field${i}`, i]));
    const body = { sku: NEW, name: 'Cup', price: MONEY, ...unknown };
    expect(JSON.stringify(body).length).toBeGreaterThan(60_000);
    const response = await create(body);
    const problem = expectProblem(response, 400, 'VALIDATION', '/api/products');
    expect(problem.errors).toHaveLength(20);
    expect(problem.detail).toBe('Invalid request body (20 of 5000 invalid fields listed)');
    expect(JSON.stringify(problem).length).toBeLessThan(4_000);
  });

  it('fuzzed POST /api/products bodies: never 5xx; refused ones store nothing', async () => {
    const sample = { sku: NEW, name: 'Cup', description: 'Tall', price: MONEY, active: true };
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(hostilePayload(sample), async (payload) => {
        const before = await stored();
        const { status } = await create(payload);
        seen.add(status);
        const storedNothing = status < 400 || isDeepStrictEqual(await stored(), before);
        expect({ status: status >= 200 && status < 500, storedNothing }).toEqual({ status: true, storedNothing: true });
      }),
      { numRuns: 60 },
    );
    // The bodies reached validation (not only a throttle or an auth refusal in front of it).
    expect(seen).toContain(400);
  }, 120_000);

  it('fuzzed PATCH /api/products/{sku} bodies: never 5xx; refused ones change nothing', async () => {
    const sample = { name: 'Mug', description: 'Enamel', price: MONEY, active: true };
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(hostilePayload(sample), async (payload) => {
        const before = await stored();
        const { status, body } = await update(payload);
        seen.add(status);
        const changedNothing = status < 400 || isDeepStrictEqual(await stored(), before);
        const product = body as { name?: unknown; description?: unknown };
        const complete = status >= 400 || (typeof product.name === 'string' && typeof product.description === 'string');
        expect({ status: status >= 200 && status < 500, changedNothing, complete }).toEqual({
          status: true,
          changedNothing: true,
          complete: true,
        });
      }),
      { numRuns: 60 },
    );
    expect(seen).toContain(400);
    expect(seen).toContain(200);
  }, 120_000);
});
