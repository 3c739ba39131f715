import { describe, expect, it } from '@jest/globals';
import { eventually } from '@seam/testing';
import { bearer, expectProblem, type ShopClient } from '../support/shop-client.js';
import type { Outage, ShopSystem } from '../support/shop-target.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

/** What operators and API clients rely on: health, docs, trace headers, and what an outage looks like. */
export function platformChecks(shop: ShopClient, outage: Outage, system: () => ShopSystem): void {
  describe('the platform', () => {
    it('answers /health 200 with the database of every module it hosts, and every transport it serves on, up', async () => {
      const health = await shop.http().get('/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok' });
      expect(Object.keys((health.body as { details: object }).details).toSorted()).toEqual(
        [...system().edgeHealthChecks].toSorted(),
      );
    });

    it('serves the OpenAPI document with the bearer scheme, and the Swagger UI', async () => {
      const document = await shop.http().get('/docs-json');
      expect(document.status).toBe(200);
      const { components, paths } = document.body as {
        components: { securitySchemes: object };
        paths: Record<string, object>;
      };
      expect(components.securitySchemes).toEqual({
        bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      });
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining([
          '/api/auth/register',
          '/api/products/{sku}/stock',
          '/api/orders/{id}/cancel',
          '/health',
        ]),
      );
      expect(paths['/api/orders']).toMatchObject({ post: { security: [{ bearer: [] }] } });
      const ui = await shop.http().get('/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
    });

    it('puts a weak ETag on a public answer, and answers 304 Not Modified to a request that holds it', async () => {
      const first = await shop.unchecked().get('/api/products');
      expect(first.status).toBe(200);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
      expect((await shop.unchecked().get('/api/products').set('If-None-Match', etag)).status).toBe(304);
      // Another representation's tag does not match: the list is sent again.
      const other = etag.replace(/-./, (dash) => (dash === '-A' ? '-B' : '-A'));
      expect((await shop.unchecked().get('/api/products').set('If-None-Match', other)).status).toBe(200);
    });

    it('continues the caller’s trace: traceparent and x-correlation-id on answers and problems', async () => {
      const ok = await shop.http().get('/api/products?pageSize=1').set('traceparent', TRACEPARENT);
      expect(ok.headers['x-correlation-id']).toBe(TRACE_ID);
      expect(ok.headers).not.toHaveProperty('x-powered-by');
      expect(ok.headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      const problem = await shop.http().get('/api/products/NOPE').set('traceparent', TRACEPARENT);
      expect(expectProblem(problem, 404, 'NOT_FOUND', '/api/products/NOPE').correlationId).toBe(TRACE_ID);
      const fresh = await shop.http().get('/api/products?pageSize=1').set('traceparent', 'garbage');
      expect(fresh.headers['x-correlation-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(fresh.headers['x-correlation-id']).not.toBe(TRACE_ID);
    });

    // Last of the suite on purpose: they take a module of the running system down.
    switch (outage.kind) {
      case 'database':
        it(`answers /health 503, naming the module, when a module cannot reach its database`, async () => {
          await system().takeDown(outage.module);
          const health = await shop.http().get('/health');
          expect(health.status).toBe(503);
          expect(health.body).toMatchObject({
            status: 'error',
            error: { [outage.module]: { status: 'down' } },
            info: { orders: { status: 'up' } },
          });
        });
        break;
      case 'service':
        serviceOutage(shop, outage.module, system);
        break;
      case 'none': {
        const skipped = it.skip;
        skipped(`answers /health 503 when a module is down — skipped: ${outage.reason}`, () => undefined);
        break;
      }
    }
  });
}

/**
 * The process counterpart of a module losing its database: its service dies. The edge's
 * `/health` does not check remote modules (a process must not be restarted because a neighbour
 * is down), so it stays 200; the service's own `/health` is gone, which is what its supervisor
 * acts on; and the API answers what needs the module with a 503 problem, at once, while the
 * rest keeps working.
 */
function serviceOutage(shop: ShopClient, module: string, system: () => ShopSystem): void {
  it(`keeps serving when the ${module} service dies: what needs it is a 503 problem, the rest works, the edge’s /health stays 200 and the service’s is gone`, async () => {
    const admin = bearer(await shop.admin());
    const stopped = await system().takeDown(module);
    expect(stopped.length).toBeGreaterThan(0);

    // Redis callers learn of a dead replica from its missed heartbeats (500 ms); TCP callers at once.
    const started = performance.now();
    await eventually(
      async () =>
        expectProblem(
          await shop.http().get('/api/products/MUG-SEAM/stock').set(admin),
          503,
          'UNAVAILABLE',
          '/api/products/MUG-SEAM/stock',
        ),
      { timeoutMs: 10_000 },
    );
    expect(performance.now() - started).toBeLessThan(5_000);

    expect((await shop.http().get('/api/products/MUG-SEAM')).status).toBe(200);
    expect((await shop.http().get('/api/me').set(admin)).status).toBe(200);
    const health = await shop.http().get('/health');
    expect(health.status).toBe(200);
    // Connection refused: nothing listens there any more.
    for (const url of stopped) await expect(fetch(`${url}/health`)).rejects.toThrow('fetch failed');
  });
}
