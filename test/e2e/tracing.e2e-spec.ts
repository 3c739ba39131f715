import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SpanLine } from '@seam/runtime';
import { ensureBuilt, eventually, TopologyProcesses } from '@seam/testing';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import { processEnv } from './support/topology-target.js';

// Tracing as deployed: each process loads the built register module with `node --import` and
// writes its spans to its own file (SEAM_TRACE_FILE, no collector needed). One order placed
// through the edge must read as one trace, whether the modules share a process or not.

const SERVER = 1;
const CLIENT = 2;
const PRODUCER = 3;
const CONSUMER = 4;

/** How orders' outbox relay hands `orders.order.confirmed` to its subscriber. */
const DELIVERY = 'identity.$deliver';

const APPS = [
  'monolith',
  'identity-service',
  'catalog-service',
  'inventory-service',
  'payments-service',
  'orders-service',
];

/** Every span every process wrote so far. */
function spansIn(directory: string): SpanLine[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => readFileSync(join(directory, file), 'utf8').split('\n'))
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as SpanLine);
}

/** The spans of one trace, with the walk up from any of them. */
class Trace {
  private readonly byId: Map<string, SpanLine>;

  constructor(readonly spans: SpanLine[]) {
    this.byId = new Map(spans.map((span) => [span.spanId, span]));
  }

  /** The one span of `kind` named `name` (as `seam.entry`), optionally from `caller`. */
  find(kind: number, entry: string, caller?: string): SpanLine | undefined {
    return this.spans.find(
      (span) =>
        span.kind === kind &&
        span.attributes['seam.entry'] === entry &&
        (caller === undefined || span.attributes['seam.caller'] === caller),
    );
  }

  /** The spans as `service kind name`, for failure messages. */
  describe(): string {
    return this.spans.map((span) => `${span.service} ${span.kind} ${span.name}`).join(', ');
  }

  parentOf(span: SpanLine): SpanLine | undefined {
    return span.parentSpanId ? this.byId.get(span.parentSpanId) : undefined;
  }

  /** Whether `ancestor` is `span`'s parent, grand-parent, … */
  descendsFrom(span: SpanLine, ancestor: SpanLine): boolean {
    for (let at = this.parentOf(span); at; at = this.parentOf(at)) if (at.spanId === ancestor.spanId) return true;
    return false;
  }
}

const TOPOLOGIES = [
  { topology: 'split-tcp', transport: 'tcp', skip: undefined },
  { topology: 'split-redis', transport: 'redis', skip: redisUnavailableReason() },
  { topology: 'monolith', transport: 'in-process', skip: undefined },
];

describe.each(TOPOLOGIES)(
  'one order placed in topology "$topology" reads as one trace',
  ({ topology, transport, skip }) => {
    const suite = skip ? describe.skip : describe;
    suite(skip ? `skipped: ${skip}` : 'real processes, a span file each', () => {
      let processes: TopologyProcesses;
      let redis: PrivateRedis | undefined;
      let traceDir: string;
      let dataDir: string;
      let traceId: string;
      let orderTrace: Trace;

      beforeAll(async () => {
        await ensureBuilt(APPS);
        traceDir = mkdtempSync(join(tmpdir(), `seam-trace-${topology}-`));
        dataDir = mkdtempSync(join(tmpdir(), `seam-trace-data-${topology}-`));
        redis = transport === 'redis' ? await PrivateRedis.start() : undefined;
        processes = await TopologyProcesses.start({
          topology,
          redisUrl: redis?.url,
          env: {
            ...processEnv(dataDir),
            // Every app's register module is the same code: one serves every process.
            NODE_OPTIONS: `--import=${resolve('dist/apps/monolith/tracing.js')}`,
            SEAM_TRACE_FILE: join(traceDir, '{service}-{pid}.jsonl'),
            OTEL_EXPORTER_OTLP_ENDPOINT: '',
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
          },
        });
        const base = processes.baseUrl;
        const post = (path: string, body: unknown, token?: string) =>
          fetch(`${base}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
            body: JSON.stringify(body),
          });
        const account = { email: 'ada@example.com', password: 'correct horse battery' };
        await post('/api/auth/register', { ...account, name: 'Ada' });
        const { accessToken } = (await (await post('/api/auth/login', account)).json()) as { accessToken: string };
        const { sku } = (
          (await (await fetch(`${base}/api/products?pageSize=1`)).json()) as { items: Array<{ sku: string }> }
        ).items[0]!;
        const placed = await post(
          '/api/orders',
          { lines: [{ sku, quantity: 1 }], cardNumber: '4242424242424242' },
          accessToken,
        );
        if (placed.status !== 201) throw new Error(`order not placed (${placed.status}): ${await placed.text()}`);
        traceId = placed.headers.get('traceparent')!.split('-')[1]!;
        // Spans are written as they end; the confirmation event is delivered after the answer.
        orderTrace = await eventually(
          () => {
            const trace = new Trace(spansIn(traceDir).filter((span) => span.traceId === traceId));
            const seen = () => `; so far: ${trace.describe()} (files: ${readdirSync(traceDir).join(', ')})`;
            if (!trace.find(CONSUMER, DELIVERY)) throw new Error(`the event delivery is not traced yet${seen()}`);
            // The relay's call ends (and is written) after the delivery it made: wait for it too,
            // and for every parent, so that no assertion reads a trace half written.
            if (!trace.find(PRODUCER, DELIVERY, 'orders'))
              throw new Error(`the relay's call is not traced yet${seen()}`);
            if (trace.spans.filter((span) => !trace.parentOf(span)).length > 1)
              throw new Error(`some parents are not written yet${seen()}`);
            for (const entry of ['orders.place-order', 'inventory.commit-stock', 'payments.capture-payment'])
              if (!trace.find(SERVER, entry)) throw new Error(`${entry} is not traced yet${seen()}`);
            return trace;
          },
          { timeoutMs: 30_000 },
        );
      }, 300_000);

      afterAll(async () => {
        await processes?.stop();
        await redis?.stop();
        for (const dir of [traceDir, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
      });

      it('starts at the edge: an HTTP server span, parent of the edge’s call to orders', () => {
        const call = orderTrace.find(CLIENT, 'orders.place-order', 'edge')!;
        expect(call).toBeDefined();
        const http = orderTrace.parentOf(call)!;
        expect(http).toMatchObject({ kind: SERVER, service: 'monolith', name: 'POST /api/orders' });
        expect(http.attributes['seam.entry']).toBeUndefined();
        expect(call.attributes['seam.transport']).toBe(transport);
      });

      it('reads edge → orders → inventory and payments, client and server span per call', () => {
        const edgeCall = orderTrace.find(CLIENT, 'orders.place-order', 'edge')!;
        const ordersServer = orderTrace.find(SERVER, 'orders.place-order')!;
        expect(orderTrace.parentOf(ordersServer)?.spanId).toBe(edgeCall.spanId);
        expect(ordersServer.service).toBe(topology === 'monolith' ? 'monolith' : 'orders-service');
        for (const module of ['inventory', 'payments']) {
          const servers = orderTrace.spans.filter(
            (span) => span.kind === SERVER && span.attributes['seam.callee'] === module,
          );
          expect(servers.length).toBeGreaterThan(0);
          for (const server of servers) {
            const client = orderTrace.parentOf(server)!;
            expect(client).toMatchObject({
              kind: CLIENT,
              attributes: expect.objectContaining({ 'seam.caller': 'orders' }),
            });
            expect(orderTrace.descendsFrom(client, ordersServer)).toBe(true);
            expect(server.service).toBe(topology === 'monolith' ? 'monolith' : `${module}-service`);
          }
        }
      });

      it('links the event’s delivery to the span that published it, in the same trace', () => {
        // orders.order.confirmed goes through orders' outbox: its relay hands it to identity.
        const delivery = orderTrace.find(CONSUMER, DELIVERY)!;
        const published = orderTrace.find(PRODUCER, DELIVERY, 'orders')!;
        expect(published).toBeDefined();
        expect(delivery.links).toEqual([{ traceId, spanId: published.spanId }]);
        expect(delivery.attributes['seam.callee']).toBe('identity');
        expect(orderTrace.descendsFrom(published, orderTrace.find(SERVER, 'orders.place-order')!)).toBe(true);
      });

      it('has no span whose parent is missing, but the edge’s HTTP span', () => {
        const roots = orderTrace.spans.filter((span) => !orderTrace.parentOf(span));
        expect(roots).toHaveLength(1);
        expect(roots[0]).toMatchObject({ kind: SERVER, service: 'monolith' });
      });
    });
  },
);
