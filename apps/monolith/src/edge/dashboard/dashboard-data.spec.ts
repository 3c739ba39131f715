import { describe, expect, it } from '@jest/globals';
import { linkFigures, traceTrees } from './dashboard-data.js';
import { loadTopology } from '@seam/runtime';
import { contractEntries, modulePlacements } from './module-map.js';
import { histogramQuantile, parsePrometheusText } from './prometheus-text.js';
import type { RecentSpan } from './recent-spans.js';

const SCRAPE = `# HELP seam_calls_total x
# TYPE seam_calls_total counter
seam_calls_total{caller="edge",callee="orders",entry="orders.place-order",transport="in-process",outcome="ok"} 3
seam_calls_total{caller="edge",callee="orders",entry="orders.get-order",transport="in-process",outcome="NOT_FOUND"} 1
seam_call_duration_seconds_bucket{caller="edge",callee="orders",entry="orders.place-order",transport="in-process",outcome="ok",le="0.01"} 2
seam_call_duration_seconds_bucket{caller="edge",callee="orders",entry="orders.place-order",transport="in-process",outcome="ok",le="0.1"} 4
seam_call_duration_seconds_bucket{caller="edge",callee="orders",entry="orders.place-order",transport="in-process",outcome="ok",le="+Inf"} 4
seam_outbox_pending{module="orders"} 2
seam_calls_total{caller="catalog",callee="orders",entry="orders.$subscriptions",transport="in-process",outcome="ok"} 1
`;

const span = (spanId: string, parentId: string | undefined, startedAt: number, traceId = 't1'): RecentSpan => ({
  traceId,
  spanId,
  ...(parentId ? { parentId } : {}),
  kind: 'client',
  name: `n-${spanId}`,
  caller: 'edge',
  module: 'orders',
  startedAt,
  durationMs: 1,
  outcome: 'ok',
});

describe('dashboard data', () => {
  describe('parsePrometheusText', () => {
    it('reads names, labels and values, and skips comments', () => {
      const samples = parsePrometheusText(SCRAPE);
      expect(samples).toHaveLength(7);
      expect(samples[5]).toEqual({ name: 'seam_outbox_pending', labels: { module: 'orders' }, value: 2 });
      expect(samples[4]!.labels.le).toBe('+Inf');
    });
  });

  describe('histogramQuantile', () => {
    it('interpolates inside the bucket the rank falls in, as PromQL does', () => {
      const buckets = new Map([
        [0.01, 2],
        [0.1, 4],
        [Number.POSITIVE_INFINITY, 4],
      ]);
      expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.01);
      expect(histogramQuantile(0.75, buckets)).toBeCloseTo(0.055);
      expect(histogramQuantile(0.5, new Map())).toBeUndefined();
    });
  });

  describe('linkFigures', () => {
    it("sums attempts and errors per caller → callee with p50/p99 from the histogram, Seam's bookkeeping left out", () => {
      const links = linkFigures(parsePrometheusText(SCRAPE));
      expect(links).toHaveLength(1);
      const [link] = links;
      expect(link).toMatchObject({ caller: 'edge', callee: 'orders', calls: 4, errors: 1, transports: ['in-process'] });
      expect(link!.p50Ms).toBeCloseTo(10);
      expect(link!.p99Ms).toBeGreaterThan(50);
    });
  });

  describe('traceTrees', () => {
    it('nests spans under their parents, roots being spans whose parent was not recorded, newest trace first', () => {
      const traces = traceTrees([
        span('a', 'request', 1),
        span('b', 'a', 2),
        span('c', 'b', 3),
        span('d', 'a', 4),
        span('x', undefined, 10, 't2'),
      ]);
      expect(traces.map(({ traceId }) => traceId)).toEqual(['t2', 't1']);
      const [root] = traces[1]!.roots;
      expect(root!.spanId).toBe('a');
      expect(root!.children.map(({ spanId }) => spanId)).toEqual(['b', 'd']);
      expect(root!.children[0]!.children[0]!.spanId).toBe('c');
    });

    it("leaves out traces of Seam's bookkeeping alone, not those with an outbox delivery", () => {
      const traces = traceTrees([
        { ...span('a', undefined, 1, 'subscriptions'), name: 'orders.$subscriptions' },
        { ...span('b', undefined, 2, 'delivery'), name: 'identity.$deliver' },
      ]);
      expect(traces.map(({ traceId }) => traceId)).toEqual(['delivery']);
    });
  });

  describe('modulePlacements', () => {
    it('scrapes a service on an IPv6 address at a URL that parses', () => {
      const topology = loadTopology({
        SEAM_TOPOLOGY: 'mixed',
        SEAM_PAYMENTS_ADDRESS: 'tcp://[::1]:47103',
        SEAM_INVENTORY_ADDRESS: 'tcp://127.0.0.1:47104',
      });
      const byName = new Map(modulePlacements(topology, () => undefined).map((module) => [module.name, module]));
      const ipv6 = byName.get('payments')?.metricsUrl;
      expect(ipv6).toMatch(/^http:\/\/\[::1\]:\d+\/metrics$/);
      expect(new URL(ipv6!).hostname).toBe('[::1]');
      expect(byName.get('inventory')?.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    });
  });

  describe('contractEntries', () => {
    it('lists every contract entry with who may call or subscribe to it', () => {
      const entries = contractEntries();
      expect(entries).toContainEqual({
        module: 'orders',
        pattern: 'orders.place-order',
        kind: 'request',
        allowed: ['edge'],
      });
      expect(entries.some((entry) => entry.kind === 'event' && entry.module === 'orders')).toBe(true);
    });
  });
});
