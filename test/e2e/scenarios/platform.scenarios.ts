import { describe, expect, it } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LOCAL_MODULES } from '../../../apps/monolith/src/modules.js';
import type { E2eMonolith } from '../support/e2e-monolith.js';
import { expectProblem, type ShopClient } from '../support/shop-client.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

/** What operators and API clients rely on: health, docs, trace headers. */
export function platformChecks(shop: ShopClient, monolith: () => E2eMonolith): void {
  describe('the platform', () => {
    it('answers /health 200 with every local module’s database up', async () => {
      const health = await shop.http().get('/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok' });
      expect(Object.keys((health.body as { details: object }).details).toSorted()).toEqual(LOCAL_MODULES.map(({ name }) => name).toSorted());
    });

    it('serves the OpenAPI document with the bearer scheme, and the Swagger UI', async () => {
      const document = await shop.http().get('/docs-json');
      expect(document.status).toBe(200);
      const { components, paths } = document.body as { components: { securitySchemes: object }; paths: Record<string, object> };
      expect(components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
      expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/auth/register', '/api/products/{sku}/stock', '/api/orders/{id}/cancel', '/health']));
      expect(paths['/api/orders']).toMatchObject({ post: { security: [{ bearer: [] }] } });
      const ui = await shop.http().get('/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
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

    // Last of the suite on purpose: it breaks a database of the running app.
    it('answers /health 503, naming the module, when a module cannot reach its database', async () => {
      await monolith().app.get<DataSource>(getDataSourceToken('catalog'), { strict: false }).destroy();
      const health = await shop.http().get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'error', error: { catalog: { status: 'down' } }, info: { orders: { status: 'up' } } });
    });
  });
}
