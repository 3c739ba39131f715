import { cpuBetween, cpuSnapshot, machineBusySeconds } from './process-cpu.js';
import { benchSetting } from '../bench-setting.js';
import { closedLoopLoad } from './closed-loop-load.js';
import type { LoadWindow } from './load-window.js';
import { pacedLoad } from './paced-load.js';
import { peakRssMiB, resetPeakRss } from './process-memory.js';
import type { ServerProcess } from './server-processes.js';
import { APPROVED_CARD, type ShopFixture } from './shop-fixture.js';

const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);

/** One HTTP flow of the benchmark: the request every connection repeats. */
export interface Flow {
  id: 'read' | 'place' | 'hello' | 'read-1000';
  request(fixture: ShopFixture): { method: 'GET' | 'POST'; path: string; body?: object };
  /** Requests per second over all connections, for a paced cell (default: as fast as answers come). */
  ratePerSecond?: number;
  /** How long its measured window lasts, in seconds (default: the cell's, `LoadOptions.durationSeconds`). */
  durationSeconds?: number;
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
 * How long the paced cell is measured: BENCH_PACED_S, 30 s by default. Under this load the monolith
 * runs a full collection about every 30 s, and one costs ~100 ms of slow answers (a few long loop
 * stalls around its pause): a 10-s window reads whether one landed in it — rounds of 7–40 ms in the
 * same run — where 30 s holds about as many as the load brings (measurement-notes.ts, 2026-12-07).
 */
export const PACED_WINDOW_S = pacedWindowSeconds(process.env.BENCH_PACED_S);

/** BENCH_PACED_S read: 30 when unset; anything but a finite number of seconds above 0 is refused. */
export function pacedWindowSeconds(raw: string | undefined): number {
  return benchSetting('BENCH_PACED_S', raw, 30, { what: "the paced cell's window in seconds" });
}

/**
 * The read flow paced at 1,000 requests per second (the latency target's load), evenly spaced
 * (paced-load.ts): what a caller sees when the system is busy but not saturated, where the
 * unpaced cells measure saturation. Measured over {@link PACED_WINDOW_S}.
 */
export const PACED_READ: Flow = {
  ...FLOWS[0]!,
  id: 'read-1000',
  ratePerSecond: 1_000,
  durationSeconds: PACED_WINDOW_S,
};

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

/** What a cell loads and measures: a topology's edges, its processes, and the servers it uses. */
export interface MeasuredTarget {
  /** The HTTP edges; the load is spread over them. */
  baseUrls: readonly string[];
  /** The topology's own processes: their CPU is the cell's. */
  processes: ReadonlyArray<{ label: string; pid: number }>;
  /** Servers it uses (PostgreSQL, a private Redis): their CPU is reported apart from the topology's and from other programs'. */
  servers?: readonly ServerProcess[];
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
  /** CPU seconds of the servers the topology uses (PostgreSQL, Redis) during the window; 0 without any. */
  serverCpuSeconds: number;
  /** CPU seconds of this process (the load generator), for the record: not part of the topology's. */
  loadGeneratorCpuSeconds: number;
  /** Cores busy on average with anything else (other programs on the machine) during the window. */
  otherLoadCores: number;
  /** A paced flow only: how late the load generator sent its requests, p99 (load-window.ts). */
  lateSendP99Ms?: number;
}

/**
 * Runs `flow` against `baseUrls` with a fixed number of connections, one load from the warm-up
 * (discarded) through the measured window (load-window.ts says why not two), with the CPU time of
 * every process of the topology read when the window opens and when it closes.
 */
export async function measureCell(
  { baseUrls, processes, servers = [] }: MeasuredTarget,
  flow: Flow,
  fixture: ShopFixture,
  options: LoadOptions,
  hooks?: WindowHooks,
): Promise<CellFigures> {
  const { method, path, body } = flow.request(fixture);
  const headers = { authorization: `Bearer ${fixture.customerToken}`, 'content-type': 'application/json' };
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const urls = baseUrls.map((baseUrl) => `${baseUrl}${path}`);
  let before = new Map<string, number>();
  let machineBefore = 0;
  let ownBefore = process.cpuUsage();
  let cpuByProcess = new Map<string, number>();
  let serversBefore = new Map<string, number>();
  let serverCpuSeconds = 0;
  let machine = 0;
  let own = { user: 0, system: 0 };
  const window: LoadWindow = {
    warmUpSeconds: options.warmUpSeconds,
    durationSeconds: flow.durationSeconds ?? options.durationSeconds,
    opened: () => {
      hooks?.begin();
      before = cpuSnapshot(processes);
      serversBefore = cpuSnapshot(servers);
      machineBefore = machineBusySeconds();
      ownBefore = process.cpuUsage();
    },
    closed: () => {
      own = process.cpuUsage(ownBefore);
      machine = machineBusySeconds() - machineBefore;
      cpuByProcess = cpuBetween(before, cpuSnapshot(processes));
      serverCpuSeconds = sum(cpuBetween(serversBefore, cpuSnapshot(servers)).values());
    },
  };
  resetPeakRss(processes);
  const figures = flow.ratePerSecond
    ? await pacedLoad(
        { urls, method, headers, body: payload, ratePerSecond: flow.ratePerSecond, connections: options.connections },
        window,
      )
    : await closedLoopLoad({ urls, method, headers, body: payload, connections: options.connections }, window);
  const peakRssByProcess = peakRssMiB(processes);
  await hooks?.end();
  const loadGeneratorCpuSeconds = (own.user + own.system) / 1e6;
  const topologyCpuSeconds = sum(cpuByProcess.values());
  return {
    throughput: figures.requests / figures.seconds,
    p50Ms: figures.p50Ms,
    p99Ms: figures.p99Ms,
    ...(figures.lateSendP99Ms === undefined ? {} : { lateSendP99Ms: figures.lateSendP99Ms }),
    failures: figures.non2xx + figures.errors,
    requests: figures.requests,
    cpuByProcess,
    peakRssByProcess,
    serverCpuSeconds,
    loadGeneratorCpuSeconds,
    otherLoadCores:
      Math.max(0, machine - topologyCpuSeconds - serverCpuSeconds - loadGeneratorCpuSeconds) / figures.seconds,
  };
}
