import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LISTENING, startBuiltMonolith } from './support/built-monolith.js';
import { ensureBuilt, eventually, type ServiceProcess, spawnService } from '@seam/testing';
import { type Browser, launch, type Page } from 'puppeteer-core';

// The live dashboard in a real browser: Debian's chromium (`.ci/run` installs it when it can)
// opens `/_seam` of the built monolith; an order placed through the API must move the edge →
// orders counter and appear as a trace whose tree nests the payments calls under the order.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the screenshot goes (ignored by git); `SEAM_UPDATE_SCREENSHOT=1` also refreshes the README's. */
const OUTPUT_DIR = join('test-output', 'e2e');
const README_SCREENSHOT = join('docs', 'images', 'dashboard.png');
// A loaded 2-core machine polls slowly: generous, never a fixed sleep.
const WAIT_MS = 45_000;

const skip = existsSync(CHROMIUM)
  ? undefined
  : `no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

const suite = skip ? describe.skip : describe;

suite(`the live dashboard at /_seam${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let dataDir: string;
  let monolith: ServiceProcess;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;

  const api = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { response, body: (await response.json()) as Record<string, unknown> };
  };

  /** The `data-calls` of a link's row, 0 while the page shows no such link. */
  const callsOf = (link: string) =>
    page.$eval(`tr[data-link="${link}"]`, (row) => Number(row.getAttribute('data-calls'))).catch(() => 0);

  beforeAll(async () => {
    await ensureBuilt(['monolith']);
    dataDir = mkdtempSync(join(tmpdir(), 'seam-dashboard-'));
    // Development defaults: the dashboard on the app's own port.
    ({ monolith, baseUrl } = await startBuiltMonolith(dataDir));
    browser = await launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
      protocolTimeout: 120_000,
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await monolith?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('draws the module map from the contracts, and where each module runs', async () => {
    await page.goto(`${baseUrl}/_seam`, { waitUntil: 'domcontentloaded', timeout: WAIT_MS });
    await page.waitForSelector('tr[data-module="orders"]', { timeout: WAIT_MS });
    const orders = await page.$eval('tr[data-module="orders"]', (row) => row.textContent ?? '');
    expect(orders).toContain('here (edge process)');
    expect(orders).toContain('orders.place-order');
    expect(await page.$eval('#status', (status) => status.textContent)).toContain('Topology "monolith"');
  }, 120_000);

  it('moves the edge → orders counter and shows the order as a trace with its tree', async () => {
    const before = await callsOf('edge→orders');
    const account = { email: 'grace@example.com', password: 'correct horse battery' };
    expect((await api('/api/auth/register', { ...account, name: 'Grace' })).response.status).toBe(201);
    const token = String((await api('/api/auth/login', account)).body.accessToken);
    const order = { lines: [{ sku: 'MUG-SEAM', quantity: 1 }], cardNumber: '4242424242424242' };
    const placed = await api('/api/orders', order, { authorization: `Bearer ${token}` });
    expect(placed.body.status).toBe('confirmed');
    const traceId = placed.response.headers.get('x-correlation-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    await eventually(async () => expect(await callsOf('edge→orders')).toBeGreaterThan(before), {
      timeoutMs: WAIT_MS,
      intervalMs: 250,
    });
    // The order's client span, its server span within it, and the payments calls within that.
    const nested = `[data-trace="${traceId}"] li[data-span="orders.place-order"] li[data-span="payments.authorize-payment"]`;
    await page.waitForSelector(nested, { timeout: WAIT_MS });
    expect(await callsOf('edge→orders')).toBeGreaterThan(before);
    expect(await callsOf('orders→payments')).toBeGreaterThan(0);

    mkdirSync(OUTPUT_DIR, { recursive: true });
    const screenshot = join(OUTPUT_DIR, 'dashboard.png');
    await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
    if (process.env.SEAM_UPDATE_SCREENSHOT === '1') copyFileSync(screenshot, README_SCREENSHOT);
  }, 120_000);
});

describe('the dashboard in production', () => {
  const INTERNAL = /API docs: (http:\/\/[^/\s]+)\//;
  let dataDir: string;
  let monolith: ServiceProcess;

  beforeAll(async () => {
    await ensureBuilt(['monolith']);
    dataDir = mkdtempSync(join(tmpdir(), 'seam-dashboard-prod-'));
    monolith = await spawnService({
      entry: 'dist/apps/monolith/main.js',
      env: {
        NODE_ENV: 'production',
        PORT: '0',
        SEAM_INTERNAL_PORT: '0',
        SEAM_INTERNAL_HOST: '',
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        JWT_SECRET: 'dashboard-production-secret-that-is-long-enough-0123456789',
        JWT_SECRET_FILE: '',
        JWT_PREVIOUS_SECRET: '',
        PAYMENTS_CARD_FINGERPRINT_KEY: 'dashboard-fingerprint-key-0123456789abcdef',
        SEAM_ADMIN_PASSWORD: 'a long admin password for the dashboard test',
        SEED_DEMO_DATA: 'false',
      },
      readyLine: LISTENING,
      readyTimeoutMs: 90_000,
    });
  }, 240_000);

  afterAll(async () => {
    await monolith?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is served on the internal port, like /metrics, and not on the public one', async () => {
    await eventually(() => expect(monolith.output()).toMatch(INTERNAL), { timeoutMs: 10_000, intervalMs: 50 });
    const internal = INTERNAL.exec(monolith.output())![1]!;
    const publicUrl = `http://localhost:${LISTENING.exec(monolith.output())![1]}`;
    for (const path of ['/_seam', '/_seam/data', '/_seam/app.js'])
      expect({ path, status: (await fetch(`${publicUrl}${path}`)).status }).toEqual({ path, status: 404 });
    const page = await fetch(`${internal}/_seam`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const data = (await (await fetch(`${internal}/_seam/data`)).json()) as { modules: Array<{ name: string }> };
    expect(data.modules.map(({ name }) => name)).toContain('orders');
  }, 60_000);
});
