import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureBuilt, eventually, freePort, type ServiceProcess, spawnService } from '@seam/testing';
import { LOCAL_MODULES } from '../../apps/monolith/src/modules.js';

/** What `npm start` runs. */
const BUILT_MAIN = 'dist/apps/monolith/main.js';
/** The last line of the start-up summary. */
const SUMMARY_END = /Call policies from /;
/** The most lines `npm start` may print before it takes its first request (issue 15). */
const MAX_STARTUP_LINES = 20;
const MODULE_NAMES = LOCAL_MODULES.map(({ name }) => name);

/** Zero configuration (see monolith-process.e2e-spec.ts), with the log settings under test. */
const ZERO_CONFIG = {
  DATABASE_URL: '',
  JWT_SECRET: '',
  SEAM_ADMIN_EMAIL: '',
  SEAM_ADMIN_PASSWORD: '',
  SEED_DEMO_DATA: '',
  NODE_ENV: '',
  LOG_FORMAT: '',
  LOG_LEVEL: '',
  SEAM_TOPOLOGY: '',
};

const linesOf = (process: ServiceProcess) => process.output().split('\n').filter(Boolean);

describe('what the monolith prints at start-up', () => {
  let dataDir: string;
  const started: ServiceProcess[] = [];

  async function start(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const process = await spawnService({
      entry: BUILT_MAIN,
      env: { ...ZERO_CONFIG, PORT: '0', DATA_DIR: dataDir, ...env },
      readyLine: SUMMARY_END,
      readyTimeoutMs: 60_000,
    });
    started.push(process);
    return process;
  }

  beforeAll(async () => {
    await ensureBuilt(['monolith']);
    dataDir = mkdtempSync(join(tmpdir(), 'seam-startup-'));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(started.map((process) => process.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is a short summary: the URL, the topology, where each module runs and keeps its data, docs, metrics, policies', async () => {
    const monolith = await start();
    const lines = linesOf(monolith);
    expect(lines.length).toBeLessThanOrEqual(MAX_STARTUP_LINES);
    const output = lines.join('\n');
    expect(output).toMatch(/Listening on http:\/\/localhost:\d+/);
    expect(output).toContain('Topology "monolith"');
    for (const name of MODULE_NAMES)
      expect(output).toContain(`module ${name}: in this process (in-process transport); data: SQLite file ${dataDir}`);
    expect(output).toMatch(/API docs: http:\/\/localhost:\d+\/docs/);
    expect(output).toMatch(/Metrics: http:\/\/localhost:\d+\/metrics/);
    // Nest's per-module and per-route lines are debug.
    expect(output).not.toMatch(/InstanceLoader|RouterExplorer|RoutesResolver|NestFactory/);
  }, 90_000);

  it('prints JSON lines with LOG_FORMAT=json, lines of a flow carrying its trace id and module', async () => {
    const monolith = await start({ LOG_FORMAT: 'json' });
    const records = linesOf(monolith).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.length).toBeLessThanOrEqual(MAX_STARTUP_LINES);
    expect(records.map(({ msg }) => msg)).toEqual(expect.arrayContaining([expect.stringMatching(/^Listening on /)]));
    // The demo seed is one flow of contract calls: each of its lines names its trace and module.
    const seed = records.filter(({ context }) => context === 'Seed');
    expect(seed.length).toBeGreaterThan(0);
    for (const line of seed)
      expect(line).toMatchObject({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), module: 'seed' });
  }, 90_000);

  it("carries a request's trace id and the edge as its module on the request's lines", async () => {
    // inventory is remote in "mixed" and nothing serves it: reading stock fails, and the edge logs why.
    const monolith = await start({
      LOG_FORMAT: 'json',
      SEAM_TOPOLOGY: 'mixed',
      SEAM_INSECURE_TRANSPORT: '1',
      SEAM_MONOLITH_ADDRESS: `tcp://127.0.0.1:${await freePort()}`,
      SEAM_INVENTORY_ADDRESS: `tcp://127.0.0.1:${await freePort()}`,
      SEAM_PAYMENTS_ADDRESS: `tcp://127.0.0.1:${await freePort()}`,
      DATA_DIR: mkdtempSync(join(dataDir, 'mixed-')),
    });
    const baseUrl = `http://localhost:${/Listening on http:\/\/localhost:(\d+)/.exec(monolith.output())![1]}`;
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@seam.local', password: 'change-me-admin' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const stock = await fetch(`${baseUrl}/api/products/MUG-SEAM/stock`, {
      headers: { authorization: `Bearer ${accessToken}`, traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    expect(stock.status).toBe(503);
    await eventually(() => {
      const failed = linesOf(monolith)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter(({ msg }) => String(msg).startsWith('GET /api/products/MUG-SEAM/stock failed'));
      expect(failed).toEqual([expect.objectContaining({ level: 40, traceId, module: 'edge', context: 'HttpEdge' })]);
    });
    // The bearer token reached the process, and no line carries it.
    expect(monolith.output()).not.toContain(accessToken);
  }, 90_000);

  it("shows Nest's own start-up lines at LOG_LEVEL=debug", async () => {
    const monolith = await start({ LOG_LEVEL: 'debug' });
    expect(monolith.output()).toMatch(/RouterExplorer\] Mapped \{\/api\/products, GET\} route/);
  }, 90_000);

  it('refuses an unknown LOG_LEVEL with a clear error, and exits non-zero', async () => {
    const bad = await start({ LOG_LEVEL: 'loud' }).catch((error: unknown) => error);
    const exited = bad instanceof Error ? bad.message : (bad as ServiceProcess).output();
    expect(exited).toMatch(/exited \(1\)/);
    expect(exited).toContain(
      'The monolith could not start: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "loud"',
    );
  }, 90_000);
});
