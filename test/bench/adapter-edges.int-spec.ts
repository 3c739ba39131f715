// bench:adapters compares the monolith's edge on Express with the same edge on Fastify. The
// comparison means something only if both answer the measured flows alike: this starts both
// from source, as the benchmark does, prepares the shop on each and checks that the read flow
// and the place flow answer with the same status, the same body shape and the same headers. The
// Fastify edge exists for the measurement only; its error answers are not ported (the problem
// filter writes to Express's response), which is why only the measured flows are compared.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ServiceProcess, spawnService } from '@seam/testing';
import { APPROVED_CARD, prepareShop, type ShopFixture } from '../../bench/topology/shop-fixture.js';
import { COMMON_ENV } from '../../bench/topology/systems.js';

const LISTENING = /Listening on http:\/\/localhost:(\d+)/;
const EDGES = { express: 'apps/monolith/src/main.ts', fastify: 'bench/adapters/fastify-edge.main.ts' } as const;
type Adapter = keyof typeof EDGES;

interface Edge {
  process: ServiceProcess;
  baseUrl: string;
  fixture: ShopFixture;
}

const dataDirs: string[] = [];
const edges = new Map<Adapter, Edge>();

beforeAll(async () => {
  await Promise.all(
    (Object.keys(EDGES) as Adapter[]).map(async (adapter) => {
      const dataDir = mkdtempSync(join(tmpdir(), `seam-adapter-${adapter}-`));
      dataDirs.push(dataDir);
      const process = await spawnService({
        entry: EDGES[adapter],
        env: { ...COMMON_ENV, DATA_DIR: dataDir, PORT: '0' },
        readyLine: LISTENING,
        readyTimeoutMs: 90_000,
      });
      const baseUrl = `http://localhost:${LISTENING.exec(process.output())![1]}`;
      edges.set(adapter, { process, baseUrl, fixture: await prepareShop(baseUrl) });
    }),
  );
}, 180_000);

afterAll(async () => {
  await Promise.all([...edges.values()].map((edge) => edge.process.stop()));
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** What the comparison looks at of an answer: status, security headers and the body's shape. */
async function answer(adapter: Adapter, method: string, path: (fixture: ShopFixture) => string, body?: object) {
  const { baseUrl, fixture } = edges.get(adapter)!;
  const response = await fetch(`${baseUrl}${path(fixture)}`, {
    method,
    headers: { authorization: `Bearer ${fixture.customerToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return {
    status: response.status,
    headers: ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'cache-control'].map((name) => [
      name,
      response.headers.get(name),
    ]),
    keys: Object.keys(json).toSorted(),
    json,
  };
}

describe("bench:adapters' two edges", () => {
  it('answer the read flow alike', async () => {
    const read = (adapter: Adapter) => answer(adapter, 'GET', (fixture) => `/api/orders/${fixture.orderId}/details`);
    const [express, fastify] = [await read('express'), await read('fastify')];
    expect(express.status).toBe(200);
    expect(fastify.status).toBe(200);
    expect(fastify.headers).toEqual(express.headers);
    expect(fastify.keys).toEqual(['order', 'products']);
    expect(express.keys).toEqual(['order', 'products']);
    const shape = (json: Record<string, unknown>) => ({
      order: Object.keys(json.order as object).toSorted(),
      products: (json.products as Array<{ sku: string }>).map((product) => product.sku),
    });
    expect(shape(fastify.json)).toEqual(shape(express.json));
  });

  it('answer the place flow alike', async () => {
    const place = (adapter: Adapter) =>
      answer(adapter, 'POST', () => '/api/orders', {
        lines: [{ sku: edges.get(adapter)!.fixture.sku, quantity: 1 }],
        cardNumber: APPROVED_CARD,
      });
    const [express, fastify] = [await place('express'), await place('fastify')];
    expect(express.status).toBe(201);
    expect(fastify.status).toBe(201);
    expect(fastify.keys).toEqual(express.keys);
    expect(fastify.json.status).toBe(express.json.status);
  });
});
