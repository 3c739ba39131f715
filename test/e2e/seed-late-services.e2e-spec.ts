import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CATALOG } from '../../apps/monolith/src/seed/demo-catalog.js';
import {
  loadTopology,
  meshIdentities,
  meshSelf,
  overrideName,
  type ProcessRole,
  SEAM_NODE_FLAGS,
  serviceReadyLine,
  type Topology,
} from '@seam/runtime';
import { builtEntry, ensureBuilt, eventually, freePort, type ServiceProcess, spawnService } from '@seam/testing';
import { deriveMeshKeys } from '@seam/transport';
import { E2E_ADMIN } from './support/e2e-accounts.js';
import { processEnv } from './support/topology-target.js';

const TOPOLOGY = 'split-tcp';
/** The services the seed calls; the others of the topology are never started here. */
const SEEDED_BY = ['identity', 'catalog', 'inventory'] as const;
const LISTENING = /Listening on http:\/\/localhost:(\d+)/;
/**
 * The seed's waits double from 1 s: a try lands at most ~2× the time a service took to come up
 * after the edge, and the services start in seconds — 60 s leaves room for a loaded 2-core machine.
 */
const SEEDED_WITHIN_MS = 60_000;

/**
 * One run of the split topology started in the order a scheduler may choose (Kubernetes starts
 * every pod at once, nothing makes the edge wait): the monolith first, its neighbours when the
 * test says. TopologyProcesses always starts the services first, hence this.
 */
class EdgeFirst {
  readonly processes: ServiceProcess[] = [];
  private readonly master = randomBytes(32);
  private readonly env: Record<string, string>;
  private readonly topology: Topology;

  private constructor(
    readonly dataDir: string,
    addresses: Record<string, string>,
  ) {
    this.env = {
      NO_COLOR: '1',
      ...processEnv(dataDir),
      SEAM_TOPOLOGY: TOPOLOGY,
      SEAM_TOPOLOGY_FILE: resolve('topologies.json'),
      ...addresses,
    };
    this.topology = loadTopology(this.env);
  }

  /** A fresh data directory, and every service's TCP address moved to a free port. */
  static async prepare(): Promise<EdgeFirst> {
    const addresses: Record<string, string> = {};
    for (const { module } of loadTopology({ SEAM_TOPOLOGY: TOPOLOGY }).services)
      addresses[overrideName(module)] = `tcp://127.0.0.1:${await freePort()}`;
    return new EdgeFirst(mkdtempSync(join(tmpdir(), 'seam-e2e-seed-')), addresses);
  }

  /** Starts the monolith (HTTP edge and seed) and answers its base URL once it listens. */
  async startMonolith(): Promise<{ process: ServiceProcess; baseUrl: string }> {
    const process = await this.spawn(builtEntry('monolith'), { kind: 'monolith' }, LISTENING);
    return { process, baseUrl: `http://localhost:${LISTENING.exec(process.output())![1]}` };
  }

  /** Starts a module's service and waits until it is ready. */
  startService(module: string): Promise<ServiceProcess> {
    return this.spawn(
      builtEntry(`${module}-service`),
      { kind: 'service', module },
      new RegExp(`${serviceReadyLine(module)}\\b`),
    );
  }

  /** Everything every process printed, for failure messages. */
  output(): string {
    return this.processes.map((process) => `===== pid ${process.pid}\n${process.output()}`).join('\n');
  }

  async stop(): Promise<void> {
    try {
      await Promise.all(this.processes.map((process) => process.stop(10_000)));
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  private async spawn(entry: string, role: ProcessRole, readyLine: RegExp): Promise<ServiceProcess> {
    const keys = deriveMeshKeys({
      master: this.master,
      keyIds: ['test'],
      self: meshSelf(this.topology, role),
      identities: meshIdentities(this.topology),
    });
    const process = await spawnService({
      entry,
      nodeFlags: SEAM_NODE_FLAGS,
      env: { ...this.env, SEAM_MESH_KEYS: JSON.stringify(keys), PORT: String(await freePort()) },
      readyLine,
      readyTimeoutMs: 60_000,
    });
    this.processes.push(process);
    return process;
  }
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
  let run: EdgeFirst | undefined;

  beforeAll(async () => {
    await ensureBuilt(['monolith', ...SEEDED_BY.map((module) => `${module}-service`)]);
  }, 240_000);

  afterEach(async () => {
    await run?.stop();
    run = undefined;
  }, 30_000);

  it('keeps trying, and seeds the admin, the catalog and its stock once identity, catalog, then inventory are up', async () => {
    run = await EdgeFirst.prepare();
    const { process: monolith, baseUrl } = await run.startMonolith();
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
    run = await EdgeFirst.prepare();
    const { process: monolith } = await run.startMonolith();
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
