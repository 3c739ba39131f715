/**
 * `npm run bench:adapters`: the monolith's edge on Express (the default, `apps/monolith/src/main.ts`)
 * against the same edge on Fastify (`fastify-edge.main.ts`), on bench:topology's read and place
 * flows, plus a bare Nest hello-world endpoint on each adapter. All four processes run from source
 * through the SWC loader, so that they differ in nothing but the adapter (the built monolith is a
 * bundle: its figures are bench:topology's). Cells are measured in turns, `BENCH_ROUNDS` (3) rounds
 * of `BENCH_DURATION_S` (10) s after `BENCH_WARMUP_S` (2) s with `BENCH_CONNECTIONS` (32); medians
 * are printed and written to docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, spawnService } from '@seam/testing';
import { type CellFigures, FLOWS, type Flow, measureCell } from '../topology/load.js';
import { loadSettings } from '../bench-setting.js';
import { withNeighboursPaused } from '../topology/paused-neighbours.js';
import { HELLO_FLOW } from '../topology/hello-world.js';
import { prepareShop, type ShopFixture } from '../topology/shop-fixture.js';
import { COMMON_ENV } from '../topology/systems.js';
import { describeMachine, formatRate, median, writeDocsSection } from '../transport/report.js';

const { rounds: ROUNDS, ...options } = loadSettings();
const LISTENING = /Listening on http:\/\/localhost:(\d+)/;

/** What the figures decided (first run 2026-12-05), kept with the table. */
const FINDINGS = [
  '### The default stays Express',
  '',
  'Fastify serves a bare endpoint at twice the rate for less than half the CPU, but a request of the shop',
  "spends little in the adapter: the read flow cost Fastify 0.95× and the place flow 0.90× of Express's CPU",
  'in the first run (2026-12-05), and the Fastify edge measured here does a little less than the real one',
  '(the module middlewares run before Fastify parses the body, so the forbidden-key check sees none, and',
  'the metrics middleware finds no Express route to label). Porting the edge means re-doing what it',
  "takes from Express — the problem answers (the filter writes to Express's response), the JSON body",
  'parser and its 413/415 problems, `trust proxy`, route labels for metrics and traces, body checks that',
  'run after parsing, Swagger assets — and proving it again with the e2e and hostile suites, for 5–10% of',
  'a request. The edge stays on Express; the Fastify edge stays here,',
  'so that the choice can be measured again (`test/bench/adapter-edges.int-spec.ts` checks that both',
  'edges answer the measured flows alike).',
];
const ADAPTERS = ['express', 'fastify'] as const;
type Adapter = (typeof ADAPTERS)[number];

const ENTRIES: Record<Adapter, { edge: string; hello: string }> = {
  express: { edge: 'apps/monolith/src/main.ts', hello: 'bench/topology/hello-world.main.ts' },
  fastify: { edge: 'bench/adapters/fastify-edge.main.ts', hello: 'bench/adapters/hello-fastify.main.ts' },
};

interface Target {
  adapter: Adapter;
  process: ServiceProcess;
  baseUrl: string;
}

interface Cell {
  adapter: Adapter;
  flow: Flow;
  target: Target;
  rounds: CellFigures[];
}

async function start(adapter: Adapter, entry: string, env: Record<string, string>): Promise<Target> {
  const process = await spawnService({ entry, env: { ...env, PORT: '0', NO_COLOR: '1' }, readyLine: LISTENING });
  return { adapter, process, baseUrl: `http://localhost:${LISTENING.exec(process.output())![1]}` };
}

const dataDirs: string[] = [];
const targets: Target[] = [];
const cells: Cell[] = [];
const fixtures = new Map<Adapter, ShopFixture>();
try {
  for (const adapter of ADAPTERS) {
    const dataDir = mkdtempSync(join(tmpdir(), `seam-bench-${adapter}-`));
    dataDirs.push(dataDir);
    const edge = await start(adapter, ENTRIES[adapter].edge, { ...COMMON_ENV, DATA_DIR: dataDir });
    const hello = await start(adapter, ENTRIES[adapter].hello, {});
    targets.push(edge, hello);
    fixtures.set(adapter, await prepareShop(edge.baseUrl));
    for (const flow of FLOWS) cells.push({ adapter, flow, target: edge, rounds: [] });
    cells.push({ adapter, flow: HELLO_FLOW, target: hello, rounds: [] });
    process.stderr.write(`${adapter}: edge and hello-world ready\n`);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const cell of cells) {
      const { target } = cell;
      const processes = [{ label: target.adapter, pid: target.process.pid }];
      // The other edges and endpoints are stopped meanwhile (paused-neighbours.ts).
      const others = targets.filter((other) => other !== target).map((other) => other.process.pid);
      const figures = await withNeighboursPaused(others, [target.process.pid], () =>
        measureCell({ baseUrls: [target.baseUrl], processes }, cell.flow, fixtures.get(cell.adapter)!, options),
      );
      cell.rounds.push(figures);
      process.stderr.write(
        `round ${round}/${ROUNDS} ${cell.flow.id} ${cell.adapter}: ${Math.round(figures.throughput)} req/s, ` +
          `p99 ${figures.p99Ms} ms, CPU ${cpuMsPerRequest(figures).toFixed(3)} ms/request, ${figures.failures} failed\n`,
      );
    }
  }
} finally {
  await Promise.all(targets.map((target) => target.process.stop()));
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}

function cpuMsPerRequest(figures: CellFigures): number {
  const seconds = [...figures.cpuByProcess.values()].reduce((sum, value) => sum + value, 0);
  return (1_000 * seconds) / Math.max(1, figures.requests);
}

const medianOf = (cell: Cell, pick: (figures: CellFigures) => number) => median(cell.rounds.map(pick));
const cellOf = (adapter: Adapter, flow: string) =>
  cells.find((cell) => cell.adapter === adapter && cell.flow.id === flow)!;
const lines = [
  '| Flow | Adapter | req/s | p50 (ms) | p99 (ms) | CPU ms / request | non-2xx + errors | Fastify ÷ Express, CPU / request |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const flow of [...FLOWS.map((candidate) => candidate.id), HELLO_FLOW.id]) {
  const express = medianOf(cellOf('express', flow), cpuMsPerRequest);
  for (const adapter of ADAPTERS) {
    const cell = cellOf(adapter, flow);
    const cpu = medianOf(cell, cpuMsPerRequest);
    lines.push(
      `| ${flow} | ${adapter} | ${formatRate(medianOf(cell, (figures) => figures.throughput))} | ` +
        `${medianOf(cell, (figures) => figures.p50Ms)} | ${medianOf(cell, (figures) => figures.p99Ms)} | ${cpu.toFixed(3)} | ` +
        `${cell.rounds.reduce((sum, figures) => sum + figures.failures, 0)} | ${adapter === 'express' ? '' : `${(cpu / express).toFixed(2)}×`} |`,
    );
  }
}
const table = lines.join('\n');
process.stdout.write(`\n${table}\n`);
writeDocsSection(
  'docs/benchmarks.md',
  'adapters',
  [
    '## HTTP adapter: Express against Fastify (`npm run bench:adapters`)',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${describeMachine()}.`,
    '',
    "The monolith's edge on @nestjs/platform-express (`apps/monolith/src/main.ts`, the default) and the same",
    'AppModule, guards, filter and middlewares on @nestjs/platform-fastify (`bench/adapters/fastify-edge.main.ts`),',
    "each one process on SQLite files, under bench:topology's read and place flows; `hello` is a bare Nest",
    'endpoint on each adapter. All four run from source through the SWC loader, so that they differ in the',
    `adapter only. ${options.connections} connections, ${options.warmUpSeconds} s of warm-up, then ${options.durationSeconds} s measured per cell; medians of ${ROUNDS} rounds, the cells in turns.`,
    '',
    table,
    '',
    ...FINDINGS,
  ].join('\n'),
);
process.exit(0);
