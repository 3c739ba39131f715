import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { cpuBetween, cpuSnapshot, machineBusySeconds } from './process-cpu.js';
import { pacedLoad } from './paced-load.js';
import { peakRssMiB, resetPeakRss } from './process-memory.js';
import { APPROVED_CARD, type ShopFixture } from './shop-fixture.js';

/** One HTTP flow of the benchmark: the request every connection repeats. */
export interface Flow {
  id: 'read' | 'place' | 'hello' | 'read-1000';
  request(fixture: ShopFixture): { method: 'GET' | 'POST'; path: string; body?: object };
  /** Requests per second over all connections, for a paced cell (default: as fast as answers come). */
  ratePerSecond?: number;
}

export const FLOWS: Flow[] = [
  {
    id: 'read',
    request: (fixture) => ({ method: 'GET', path: `/api/orders/${fixture.orderId}/details` }),
  },
  {
    id: 'place',
    request: (fixture) => ({
      method: 'POST',
      path: '/api/orders',
      body: { lines: [{ sku: fixture.sku, quantity: 1 }], cardNumber: APPROVED_CARD },
    }),
  },
];

/**
 * The read flow paced at 1,000 requests per second (the latency target's load), evenly spaced
 * (paced-load.ts): what a caller sees when the system is busy but not saturated, where the
 * unpaced cells measure saturation.
 */
export const PACED_READ: Flow = { ...FLOWS[0]!, id: 'read-1000', ratePerSecond: 1_000 };

/** How a cell is measured. */
export interface LoadOptions {
  connections: number;
  warmUpSeconds: number;
  durationSeconds: number;
}

/** Called around the measured window only (to profile it). */
export interface WindowHooks {
  begin(): void;
  end(): Promise<void>;
}

/** The figures of one flow against one topology. */
export interface CellFigures {
  /** Answers per second (any status) over the measured window. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx, plus connection errors and timeouts. */
  failures: number;
  requests: number;
  /** CPU seconds of every process of the topology during the measured window, per process label. */
  cpuByProcess: Map<string, number>;
  /** Peak resident memory of every process of the topology during the cell (warm-up and window), per process label, in MiB. */
  peakRssByProcess: Map<string, number>;
  /** CPU seconds of this process (the load generator), for the record: not part of the topology's. */
  loadGeneratorCpuSeconds: number;
  /** Cores busy on average with anything else (other programs on the machine) during the window. */
  otherLoadCores: number;
}

/**
 * Runs `flow` against `baseUrls` with a fixed number of connections: a warm-up (discarded), then
 * the measured window, with the CPU time of every process of the topology read before and after.
 */
export async function measureCell(
  baseUrls: readonly string[],
  processes: ReadonlyArray<{ label: string; pid: number }>,
  flow: Flow,
  fixture: ShopFixture,
  options: LoadOptions,
  hooks?: WindowHooks,
): Promise<CellFigures> {
  const { method, path, body } = flow.request(fixture);
  const headers = { authorization: `Bearer ${fixture.customerToken}`, 'content-type': 'application/json' };
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const urls = baseUrls.map((baseUrl) => `${baseUrl}${path}`);
  const load = (duration: number) =>
    flow.ratePerSecond
      ? pacedLoad({
          urls,
          method,
          headers,
          body: payload,
          ratePerSecond: flow.ratePerSecond,
          connections: options.connections,
          durationSeconds: duration,
        })
      : autocannon({
          // Several edges (replicas): autocannon gives its connections to them in turn (it takes an
          // array, though its types say string).
          url: urls as unknown as string,
          method,
          connections: options.connections,
          duration,
          headers,
          body: payload,
        });
  resetPeakRss(processes);
  await load(options.warmUpSeconds);
  hooks?.begin();
  const before = cpuSnapshot(processes);
  const machineBefore = machineBusySeconds();
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  const result = await load(options.durationSeconds);
  const elapsedSeconds = (performance.now() - started) / 1_000;
  const own = process.cpuUsage(ownBefore);
  const machine = machineBusySeconds() - machineBefore;
  const cpuByProcess = cpuBetween(before, cpuSnapshot(processes));
  const peakRssByProcess = peakRssMiB(processes);
  await hooks?.end();
  const loadGeneratorCpuSeconds = (own.user + own.system) / 1e6;
  const topologyCpuSeconds = [...cpuByProcess.values()].reduce((sum, seconds) => sum + seconds, 0);
  return {
    // Over autocannon's own window (its counters' time base); the CPU window is a few ms wider.
    throughput: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors,
    requests: result.requests.total,
    cpuByProcess,
    peakRssByProcess,
    loadGeneratorCpuSeconds,
    otherLoadCores: Math.max(0, machine - topologyCpuSeconds - loadGeneratorCpuSeconds) / elapsedSeconds,
  };
}
