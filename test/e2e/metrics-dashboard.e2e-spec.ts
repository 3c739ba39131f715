import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startBuiltMonolith } from './support/built-monolith.js';
import { ensureBuilt, rawHttpExchange, type ServiceProcess } from '@seam/testing';
import { parse } from 'yaml';
import { MONOLITH_INTERNAL_PORT } from '../../tools/deploy/cluster-plan.js';

// deploy/prometheus.yml and deploy/grafana/seam-dashboard.json are built on the names /metrics
// exposes: this suite parses both and checks them against a scrape of the built monolith, after
// the README's walkthrough (browse, register, log in, order, a declined order).

const DASHBOARD = 'deploy/grafana/seam-dashboard.json';

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

/** PromQL words that look like metric names but are not. */
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);

/**
 * The metric names an expression reads: identifiers left once label matchers, grouping clauses,
 * ranges, strings and function calls are taken out.
 */
function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  return [...bare.matchAll(/(?<![\w$:])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)]
    .map(([, name]) => name!)
    .filter((name) => !PROMQL_WORDS.has(name));
}

/** A sample name's family in the text format: a histogram's `_bucket`, `_sum` and `_count` belong to it. */
function familyIn(scrape: string, name: string): string | undefined {
  const histogram = /^(.*)_(?:bucket|sum|count)$/.exec(name)?.[1];
  if (histogram && new RegExp(`^# TYPE ${histogram} histogram$`, 'm').test(scrape)) return histogram;
  return new RegExp(`^# TYPE ${name} \\w+$`, 'm').test(scrape) ? name : undefined;
}

/** This monolith's headers timeout: short, so that a request that never finishes its headers is answered soon. */
const HEADERS_TIMEOUT_MS = 1_500;

const samples = (scrape: string, name: string) =>
  scrape.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

describe('the Grafana dashboard and the Prometheus scrape config', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[]; uid: string };
  const expressions = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map(({ expr }) => ({ panel: panel.title, expr })),
  );
  const metricNames = [...new Set(expressions.flatMap(({ expr }) => metricNamesOf(expr)))].toSorted();
  let dataDir: string;
  let monolith: ServiceProcess;
  let baseUrl: string;
  /** The monolith's count of requests refused before any handler, with `status`. */
  const refused = async (status: string) =>
    Number(
      new RegExp(`^http_requests_refused_total\\{status="${status}"\\} (\\d+)$`, 'm').exec(
        await (await fetch(`${baseUrl}/metrics`)).text(),
      )?.[1] ?? 0,
    );
  let scrape: string;
  const walkthrough: unknown[] = [];

  const api = async (
    path: string,
    init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
  };

  beforeAll(async () => {
    await ensureBuilt(['monolith']);
    dataDir = mkdtempSync(join(tmpdir(), 'seam-metrics-'));
    // Development defaults: /metrics on the app's own port (production moves it to SEAM_INTERNAL_PORT).
    ({ monolith, baseUrl } = await startBuiltMonolith(dataDir, {
      SEAM_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    }));

    // The README's walkthrough: what each step answered, checked below.
    walkthrough.push((await api('/api/products?pageSize=3')).status);
    walkthrough.push((await api('/api/products/MUG-SEAM')).status);
    const account = { email: 'ada@example.com', password: 'correct horse battery' };
    walkthrough.push((await api('/api/auth/register', { body: { ...account, name: 'Ada' } })).status);
    const token = String((await api('/api/auth/login', { body: account })).body.accessToken);
    const order = { lines: [{ sku: 'MUG-SEAM', quantity: 2 }], cardNumber: '4242424242424242' };
    const headers = { 'idempotency-key': 'metrics-order-0001' };
    walkthrough.push((await api('/api/orders', { token, body: order, headers })).body.status);
    walkthrough.push(
      (await api('/api/orders', { token, body: { ...order, cardNumber: '4000000000000002' } })).body.status,
    );
    walkthrough.push((await api('/api/orders', { token })).status);
    // A request Node's parser refuses, so that the refused-requests series the HTTP panel reads has data.
    walkthrough.push((await rawHttpExchange(baseUrl, 'GARBAGE\r\n\r\n')).split('\r\n')[0]!);
    scrape = await (await fetch(`${baseUrl}/metrics`)).text();
  }, 240_000);

  afterAll(async () => {
    await monolith?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('the dashboard', () => {
    it('is a Grafana dashboard whose panels query Seam, per module and link, outbox, sagas and breakers', () => {
      expect(dashboard.uid).toBe('seam-overview');
      expect(expressions.length).toBeGreaterThan(10);
      for (const name of [
        'seam_calls_total',
        'seam_call_duration_seconds_bucket',
        'seam_outbox_pending',
        'seam_sagas',
        'seam_circuit_breaker_state',
      ])
        expect(metricNames).toContain(name);
    });

    it('reads only metrics that a running monolith exposes', () => {
      const missing = metricNames.filter((name) => familyIn(scrape, name) === undefined);
      expect(missing).toEqual([]);
    });

    it('finds data after the walkthrough for every panel a monolith feeds (events are published by none of its modules)', () => {
      const fed = metricNames.filter(
        (name) => !name.startsWith('seam_event') && name !== 'seam_envelopes_refused_total',
      );
      const empty = fed.filter((name) => samples(scrape, name).length === 0);
      expect(empty).toEqual([]);
    });
  });

  describe('/metrics after the walkthrough', () => {
    it('follows a walkthrough that succeeded', () => {
      expect(walkthrough).toEqual([200, 200, 201, 'confirmed', 'rejected', 200, 'HTTP/1.1 400 Bad Request']);
    });

    it('shows the RED series of the calls the monolith made, with histograms', () => {
      const link = (caller: string, callee: string, entry: string) =>
        new RegExp(
          `^seam_calls_total\\{caller="${caller}",callee="${callee}",entry="${entry.replace('.', '\\.')}",transport="in-process",outcome="ok"\\} [1-9]`,
          'm',
        );
      expect(scrape).toMatch(link('edge', 'catalog', 'catalog.list-products'));
      expect(scrape).toMatch(link('edge', 'orders', 'orders.place-order'));
      expect(scrape).toMatch(
        /^seam_call_duration_seconds_bucket\{le="\+Inf",caller="orders",callee="payments",[^}]*\} [1-9]/m,
      );
      expect(scrape).toMatch(
        /^http_request_duration_seconds_count\{method="POST",route="\/api\/orders",status="201"\} 2$/m,
      );
    });

    it("counts the requests Node's parser refuses, which never reach the HTTP series", async () => {
      const before = [await refused('400'), await refused('431')];
      const answers = [
        await rawHttpExchange(baseUrl, 'GARBAGE\r\n\r\n'),
        await rawHttpExchange(baseUrl, `GET /api/products HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      ];
      expect(answers).toEqual([
        'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
        'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
      ]);
      expect([await refused('400'), await refused('431')]).toEqual([before[0]! + 1, before[1]! + 1]);
    });

    it('answers 408 to a request whose headers do not arrive in time (SEAM_HTTP_HEADERS_TIMEOUT_MS), and counts it', async () => {
      const before = await refused('408');
      const started = performance.now();
      const answer = await rawHttpExchange(baseUrl, 'GET /api/products HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      expect(answer).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      // Not before the limit given to this monolith (Node's own would be 60 s, looked at every 30 s).
      expect(performance.now() - started).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
      expect(await refused('408')).toBe(before + 1);
    });

    it('keeps the HTTP series count fixed however many unknown paths are tried', async () => {
      const series = (text: string) => samples(text, 'http_requests_total').length;
      await fetch(`${baseUrl}/nowhere`);
      const before = series(await (await fetch(`${baseUrl}/metrics`)).text());
      for (let index = 0; index < 200; index++) await fetch(`${baseUrl}/api/unknown-${index}/${Math.random()}`);
      expect(series(await (await fetch(`${baseUrl}/metrics`)).text())).toBe(before);
    });
  });

  describe('deploy/prometheus.yml', () => {
    const config = parse(readFileSync('deploy/prometheus.yml', 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }> }>;
    };
    const compose = parse(readFileSync('deploy/compose.yaml', 'utf8')) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };

    it('scrapes each process of the compose deployment where it serves /metrics', () => {
      const job = config.scrape_configs.find(({ job_name }) => job_name === 'seam-compose')!;
      const targets = job.static_configs!.flatMap((group) => group.targets).toSorted();
      const expected = Object.entries(compose.services)
        .filter(([, service]) => service.environment?.SEAM_APP)
        .map(([name, service]) =>
          service.environment!.SEAM_APP === 'monolith'
            ? `${name}:${MONOLITH_INTERNAL_PORT}`
            : `${name}:${service.environment!.PORT}`,
        )
        .toSorted();
      expect(targets).toEqual(expected);
    });

    it('discovers Kubernetes pods by the annotations the manifest generator sets', () => {
      expect(config.scrape_configs.map(({ job_name }) => job_name)).toContain('seam-kubernetes');
    });
  });
});
