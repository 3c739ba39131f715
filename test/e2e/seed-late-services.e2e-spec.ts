import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CATALOG } from '../../apps/monolith/src/seed/demo-catalog.js';
import { ensureBuilt, eventually, TopologyProcesses } from '@seam/testing';
import { E2E_ADMIN } from './support/e2e-accounts.js';
import { processEnv } from './support/topology-target.js';

const TOPOLOGY = 'split-tcp';
/** The services the seed calls; the others of the topology are never started here. */
const SEEDED_BY = ['identity', 'catalog', 'inventory'] as const;
/**
 * The seed's waits double from 1 s: a try lands at most ~2× the time a service took to come up
 * after the edge, and the services start in seconds — 60 s leaves room for a loaded 2-core machine.
 */
const SEEDED_WITHIN_MS = 60_000;

/**
 * The split topology started in the order a scheduler may choose (Kubernetes starts every pod at
 * once, nothing makes the edge wait): the monolith alone, its neighbours when the test says.
 */
async function edgeFirst(): Promise<{ run: TopologyProcesses; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-e2e-seed-'));
  const run = await TopologyProcesses.start({ topology: TOPOLOGY, env: processEnv(dataDir), servicesAtStart: false });
  return { run, dataDir };
}

const json = { 'content-type': 'application/json' };

/** The admin's token. */
async function adminToken(baseUrl: string): Promise<string> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(E2E_ADMIN),
  });
  expect(login.status).toBe(200);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

async function listedSkus(baseUrl: string): Promise<string[]> {
  const products = await fetch(`${baseUrl}/api/products?pageSize=100`);
  expect(products.status).toBe(200);
  return ((await products.json()) as { items: Array<{ sku: string }> }).items.map(({ sku }) => sku).toSorted();
}

async function stockOf(baseUrl: string, token: string, sku: string): Promise<number> {
  const stock = await fetch(`${baseUrl}/api/products/${sku}/stock`, { headers: { authorization: `Bearer ${token}` } });
  expect(stock.status).toBe(200);
  return ((await stock.json()) as { available: number }).available;
}

/** The lines the seed logged (`[Seed]`), from one process's output. */
const seedLines = (output: string) => output.split('\n').filter((line) => line.includes('[Seed]'));

describe('the demo seed of a split topology whose services start after the edge', () => {
  let started: { run: TopologyProcesses; dataDir: string } | undefined;

  beforeAll(async () => {
    await ensureBuilt(['monolith', ...SEEDED_BY.map((module) => `${module}-service`)]);
  }, 240_000);

  afterEach(async () => {
    try {
      await started?.run.stop(10_000);
    } finally {
      if (started) rmSync(started.dataDir, { recursive: true, force: true });
      started = undefined;
    }
  }, 30_000);

  it('keeps trying, and seeds the admin, the catalog and its stock once identity, catalog, then inventory are up', async () => {
    started = await edgeFirst();
    const { run } = started;
    const { process: monolith } = run.monolith;
    const baseUrl = run.baseUrl;
    // The first tries failed on the missing neighbours: the case this is about.
    expect(monolith.output()).toMatch(/Could not seed the admin account.*UnavailableError/);
    expect(monolith.output()).toMatch(/Could not seed the demo catalog.*UnavailableError/);

    // Catalog before inventory: the first product is created, its stock cannot be set yet.
    await Promise.all([run.startService('identity'), run.startService('catalog')]);
    // Log-ins are throttled per account (10 a minute): wait for the seed's word, then log in once.
    await eventually(() => expect(monolith.output()).toContain(`Admin account: ${E2E_ADMIN.email}, created`), {
      timeoutMs: SEEDED_WITHIN_MS,
      intervalMs: 250,
    });
    const token = await adminToken(baseUrl);
    await eventually(async () => expect(await listedSkus(baseUrl)).toContain(DEMO_CATALOG[0]!.product.sku), {
      timeoutMs: SEEDED_WITHIN_MS,
      intervalMs: 250,
    });

    await run.startService('inventory');
    const everySku = DEMO_CATALOG.map(({ product }) => product.sku).toSorted();
    await eventually(async () => expect(await listedSkus(baseUrl)).toEqual(everySku), {
      timeoutMs: SEEDED_WITHIN_MS,
      intervalMs: 250,
    });
    // Every product stocked, the one created while inventory was down included.
    await eventually(
      async () => {
        const stocks = await Promise.all(DEMO_CATALOG.map(({ product }) => stockOf(baseUrl, token, product.sku)));
        expect(stocks).toEqual(DEMO_CATALOG.map(({ stock }) => stock));
      },
      { timeoutMs: SEEDED_WITHIN_MS, intervalMs: 250 },
    );
    const lines = seedLines(monolith.output());
    // A neighbour that is not up yet is worth a warning per try, not an error.
    expect(lines.filter((line) => /Could not seed .*\(try \d+\)/.test(line)).length).toBeGreaterThanOrEqual(2);
    expect(lines.filter((line) => /\bERROR\b/.test(line))).toEqual([]);
  }, 180_000);

  it('stops trying when the edge shuts down: no try after the signal, and it exits by it', async () => {
    started = await edgeFirst();
    const { process: monolith } = started.run.monolith;
    // A retry has been scheduled, and one has run: the seed is in its waiting loop.
    await eventually(() => expect(monolith.output()).toMatch(/Could not seed the admin account \(try 2\)/), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    await expect(monolith.stop(10_000)).resolves.toBe('SIGTERM');
    const afterSignal = monolith.output().split(/SIGTERM: no new work/)[1] ?? '';
    const lines = seedLines(afterSignal);
    expect(lines).toEqual([expect.stringMatching(/Shutting down before .* could be seeded: stopped trying/)]);
  }, 60_000);
});
