import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SEAM_NODE_FLAGS } from '@seam/runtime';
import { ensureBuilt, eventually, type ServiceProcess, spawnService } from '@seam/testing';
import { LOCAL_MODULES } from '../../apps/monolith/src/modules.js';

/** What `npm start` runs: the monolith built by the Nest CLI, as plain `node`. */
const BUILT_MAIN = 'dist/apps/monolith/main.js';
const BUILT_MIGRATE = 'dist/apps/monolith/migrate.js';
const LISTENING = /Listening on http:\/\/localhost:(\d+)/;
const MODULE_NAMES = LOCAL_MODULES.map(({ name }) => name);

/**
 * Zero configuration, but for a fresh data directory and a free port. The rest is cleared (empty
 * means unset) so that a CI environment pointing at PostgreSQL, or a developer's own settings, do
 * not change the embedded defaults under test.
 */
const ZERO_CONFIG = {
  DATABASE_URL: '',
  JWT_SECRET: '',
  SEAM_ADMIN_EMAIL: '',
  SEAM_ADMIN_PASSWORD: '',
  SEED_DEMO_DATA: '',
};

/**
 * Node writes a diagnostic report there on SIGUSR2 (`--report-on-signal`), as an operator would
 * ask a live process for one.
 */
const reportDir = mkdtempSync(join(tmpdir(), 'seam-reports-'));

function startMonolith(dataDir: string): Promise<ServiceProcess> {
  return spawnService({
    entry: BUILT_MAIN,
    nodeFlags: SEAM_NODE_FLAGS,
    env: {
      ...ZERO_CONFIG,
      PORT: '0',
      DATA_DIR: dataDir,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --report-on-signal --report-directory=${reportDir}`.trim(),
    },
    readyLine: LISTENING,
    readyTimeoutMs: 60_000,
  });
}

const baseUrlOf = (service: ServiceProcess) => `http://localhost:${LISTENING.exec(service.output())![1]}`;

describe('npm start', () => {
  it("runs the built monolith with Node's flags for a Seam app (SEAM_NODE_FLAGS), before the entry file", () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    const run = scripts.start!.split('&&').at(-1)!.trim().split(/\s+/);
    expect(run[0]).toBe('node');
    expect(run.at(-1)).toBe(BUILT_MAIN);
    expect(run.slice(1, -1)).toEqual(expect.arrayContaining([...SEAM_NODE_FLAGS]));
  });
});

describe('the built monolith as an OS process (what npm start runs)', () => {
  let dataDir: string;
  let monolith: ServiceProcess;
  let baseUrl: string;

  beforeAll(async () => {
    // `npm test` builds before running jest; a lone `npm run test:jest` builds here — every app,
    // once for all the suites that start processes (see ensureBuilt).
    await ensureBuilt(['monolith']);
    dataDir = mkdtempSync(join(tmpdir(), 'seam-process-'));
    monolith = await startMonolith(dataDir);
    baseUrl = baseUrlOf(monolith);
  }, 240_000);

  afterAll(async () => {
    await monolith?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(reportDir, { recursive: true, force: true });
  });

  it('prints the URL, the docs URL, and where each module runs and keeps its data', async () => {
    // The summary follows the "Listening" line the start waited for.
    await eventually(() => {
      const output = monolith.output();
      expect(output).toMatch(/API docs: http:\/\/localhost:\d+\/docs/);
      for (const name of MODULE_NAMES) {
        expect(output).toContain(
          `module ${name}: in this process (in-process transport); data: SQLite file ${join(dataDir, `${name}.sqlite`)}`,
        );
      }
    });
  });

  it('logs the call policy of every module at start-up, modules with the same policy on one line', async () => {
    await eventually(() =>
      expect(monolith.output()).toContain(
        `Call policies from defaults: calls to ${MODULE_NAMES.toSorted().join(', ')}: deadline 5000 ms; retries: up to 2 for idempotent entries (backoff 50–1000 ms, budget 20%); breaker: opens at 50% failures`,
      ),
    );
  });

  it('creates one SQLite file per module in the data directory, and reports healthy', async () => {
    expect(
      readdirSync(dataDir)
        .filter((file) => file.endsWith('.sqlite'))
        .toSorted(),
    ).toEqual(MODULE_NAMES.map((name) => `${name}.sqlite`).toSorted());
    const health = await fetch(`${baseUrl}/health`);
    expect(health.status).toBe(200);
    const live = await fetch(`${baseUrl}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('serves /metrics in the Prometheus text format, with the requests its modules handled', async () => {
    await fetch(`${baseUrl}/api/products?pageSize=1`);
    const metrics = await fetch(`${baseUrl}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^process_uptime_seconds \d/m);
    expect(text).toMatch(/^seam_calls_handled_total\{pattern="catalog\.list-products"\} [1-9]/m);
    // The relays of the modules with an outbox run here (orders publishes, identity consumes); an
    // idle system has nothing waiting in them.
    for (const name of ['identity', 'orders'])
      expect(text).toMatch(new RegExp(`^seam_outbox_pending\\{module="${name}"\\} 0$`, 'm'));
    expect(text).toMatch(/^# TYPE seam_outbox_dead_lettered_total counter$/m);
  });

  it('seeds the demo catalog and the admin account with zero configuration', async () => {
    const products = await fetch(`${baseUrl}/api/products?q=seam`);
    expect(products.status).toBe(200);
    expect(((await products.json()) as { items: Array<{ sku: string }> }).items.map(({ sku }) => sku)).toContain(
      'MUG-SEAM',
    );
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@seam.local', password: 'change-me-admin' }),
    });
    expect(login.status).toBe(200);
    expect(monolith.output()).toContain('uses the default password');
  });

  it('writes a diagnostic report on SIGUSR2 and keeps serving: only SIGTERM, SIGINT and SIGHUP shut it down', async () => {
    monolith.signal('SIGUSR2');
    await eventually(() => expect(readdirSync(reportDir).filter((name) => name.endsWith('.json'))).toHaveLength(1));
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    expect(monolith.output()).not.toContain('SIGUSR2');
  });

  it('shuts down on SIGTERM well before it would be killed, and starts again on the same data without seeding twice', async () => {
    const started = performance.now();
    // Nest's shutdown hooks close the app, then re-raise the signal: the exit is "by SIGTERM".
    await expect(monolith.stop(10_000)).resolves.toBe('SIGTERM');
    // 8 s: still well before the 10 s kill, with room for stalls of hundreds of ms on a loaded 2-core CI machine.
    expect(performance.now() - started).toBeLessThan(8_000);

    monolith = await startMonolith(dataDir);
    baseUrl = baseUrlOf(monolith);
    await eventually(async () => expect((await fetch(`${baseUrl}/health`)).status).toBe(200));
    await eventually(() =>
      expect(monolith.output()).toMatch(/Demo catalog: 0 products created and stocked, \d+ already there/),
    );
    expect(monolith.output()).toContain('Admin account: admin@seam.local, already there');
  }, 90_000);

  it('npm run migrate brings a new data directory up to date, then finds nothing to do', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'seam-migrate-'));
    try {
      const migrate = () =>
        execFileSync(process.execPath, [BUILT_MIGRATE], {
          env: { ...process.env, ...ZERO_CONFIG, DATA_DIR: fresh },
          encoding: 'utf8',
        });
      const first = migrate();
      for (const name of MODULE_NAMES)
        expect(first).toMatch(new RegExp(`^${name} \\(SQLite file .*${name}\\.sqlite\\): ran \\w`, 'm'));
      const second = migrate();
      for (const name of MODULE_NAMES)
        expect(second).toMatch(new RegExp(`^${name} \\(.*\\): up to date \\(\\d+ migrations\\)$`, 'm'));
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('refuses to start on a bad configuration with a clear error, and exits non-zero', async () => {
    const bad = await spawnService({
      entry: BUILT_MAIN,
      env: { ...ZERO_CONFIG, PORT: 'eighty', DATA_DIR: dataDir },
    }).catch((error: unknown) => error);
    const exited = bad instanceof Error ? bad.message : (bad as ServiceProcess).output();
    expect(exited).toMatch(/exited \(1\)/);
    expect(exited).toContain('PORT must be a TCP port number from 0 to 65535, got "eighty"');
  });

  it('refuses to start with an HTTP limit it cannot use, naming the variable', async () => {
    const bad = await spawnService({
      entry: BUILT_MAIN,
      env: { ...ZERO_CONFIG, PORT: '0', DATA_DIR: dataDir, SEAM_HTTP_MAX_CONNECTIONS: 'lots' },
    }).catch((error: unknown) => error);
    const exited = bad instanceof Error ? bad.message : (bad as ServiceProcess).output();
    expect(exited).toMatch(/exited \(1\)/);
    expect(exited).toContain(
      'SEAM_HTTP_MAX_CONNECTIONS must be a whole number of connections from 0 (no limit) to 1,000,000, got "lots"',
    );
  });

  it('refuses to start with a call-policies file that has a typo, naming the file and the key', async () => {
    const policies = join(dataDir, 'policies.json');
    writeFileSync(policies, JSON.stringify({ modules: { payments: { breaker: { failureRate: 0.5 } } } }));
    const bad = await spawnService({
      entry: BUILT_MAIN,
      env: { ...ZERO_CONFIG, DATA_DIR: dataDir, SEAM_CALL_POLICIES_FILE: policies },
    }).catch((error: unknown) => error);
    const exited = bad instanceof Error ? bad.message : (bad as ServiceProcess).output();
    expect(exited).toMatch(/exited \(1\)/);
    expect(exited).toContain(`${policies}: modules.payments.breaker has unknown key(s) "failureRate"`);
  });
});
