/**
 * `npm run bench:topology`: two HTTP flows of the shop against the same system in five
 * topologies (see systems.ts), each started as real processes from the built apps, and the same
 * load against a bare Nest hello-world endpoint as the ceiling (hello-world.ts). Each cell runs
 * autocannon with a fixed number of connections for a fixed time after a warm-up, and reads the
 * CPU time of every process of the topology around the measured window and their peak RSS. The
 * table is printed, checked against the targets and written to its section of docs/benchmarks.md.
 * `monolith-x2-pg` needs PostgreSQL (SEAM_TEST_POSTGRES_URL, default 127.0.0.1:5432) and
 * `split-redis` the redis-server program: either is left out, with the reason, when missing.
 *
 * BENCH_NOTE: a line written under the date in docs/benchmarks.md (what was measured).
 * BENCH_CONNECTIONS (32), BENCH_DURATION_S (10; the paced cell's window is BENCH_PACED_S, 30 s: load.ts),
 * BENCH_WARMUP_S (2), BENCH_ROUNDS (3: medians of the rounds, the topologies measured in turns so
 * that a noisy moment does not hit one alone);
 * BENCH_MAX_OTHER_LOAD (0.3 cores): a cell starts once the machine is that quiet (waiting up to a
 * minute), and is measured again (up to 3 times in all, the quietest kept) when other programs
 * used more than that during its window — on a shared machine the numbers are otherwise noise; BENCH_TOPOLOGIES (a comma-separated subset, for
 * profiling: docs/benchmarks.md is written only by a full run); BENCH_CPU_PROF_DIR: a CPU profile
 * of every process over each measured window, `<dir>/<topology>-<flow>-<round>-<process>.cpuprofile`
 * (summarize them with profile-summary.ts; profiling slows the processes, so such a run does not
 * write docs/benchmarks.md either).
 *
 * Observability cost (issue 15: at most 5% off each HTTP row with metrics and tracing on, no
 * exporter): two monoliths side by side, both loading the tracing register module as the image
 * does — one as deployed (metrics recorded, tracing without an exporter), one with
 * `SEAM_METRICS=off` and `OTEL_SDK_DISABLED=true` — measured back to back every round
 * (observability.ts). A full run measures it after the topologies and writes it
 * to docs/benchmarks.md; BENCH_TRACING=only measures just that comparison (the table and target
 * lines, docs untouched), BENCH_TRACING=skip leaves it out (left out too with BENCH_TOPOLOGIES or
 * BENCH_CPU_PROF_DIR unless BENCH_TRACING=only); its rounds and windows: observability.ts. It needs
 * `npm run build` (dist/apps/monolith/tracing.js).
 */
import { resolve } from 'node:path';
import { describeMachine, writeDocsSection } from '../transport/report.js';
import { loadSettings, maxOtherLoad } from '../bench-setting.js';
import { HELLO_FLOW, HELLO_WORLD, type HelloWorld, startHelloWorld } from './hello-world.js';
import { FLOWS, measureCell, PACED_READ } from './load.js';
import { measureQuietly } from './process-cpu.js';
import { type Cell, evaluateTargets, perProcessTable, resultsTable, TOPOLOGIES, type TopologyName } from './report.js';
import { WindowProfiles } from './profiles.js';
import { withNeighboursPaused } from './paused-neighbours.js';
import { compareObservability } from './observability.js';
import { type ObservabilityComparison, observabilityTable, observabilityTargets } from './observability-report.js';
import { topologySection } from './section.js';
import { type RunningSystem, startSystem, unavailableReason } from './systems.js';

const { rounds: ROUNDS, ...options } = loadSettings();
const MAX_OTHER_LOAD = maxOtherLoad();
const ATTEMPTS = 3;
const TRACING =
  process.env.BENCH_TRACING ?? (process.env.BENCH_TOPOLOGIES || process.env.BENCH_CPU_PROF_DIR ? 'skip' : 'include');
if (!['only', 'skip', 'include'].includes(TRACING))
  throw new Error(`BENCH_TRACING: only, skip or include (default), not ${TRACING}`);
const tracingLines = (comparisons: ObservabilityComparison[]) =>
  `${observabilityTable(comparisons)}\n\nTargets:\n${observabilityTargets(comparisons)
    .map((line) => `- ${line}`)
    .join('\n')}`;
if (TRACING === 'only') {
  process.stdout.write(`\n${tracingLines(await compareObservability(options.connections, MAX_OTHER_LOAD))}\n`);
  process.exit(0);
}
const requested = (process.env.BENCH_TOPOLOGIES?.split(',') ?? [...TOPOLOGIES]).map((name) => {
  if (!(TOPOLOGIES as readonly string[]).includes(name))
    throw new Error(`BENCH_TOPOLOGIES: unknown topology ${name} (one of ${TOPOLOGIES.join(', ')})`);
  return name as TopologyName;
});
/** Topologies this machine cannot run (no PostgreSQL, no redis-server), with the reason: left out. */
const skipped = new Map<TopologyName, string>();
for (const topology of requested) {
  const reason = await unavailableReason(topology);
  if (reason) skipped.set(topology, reason);
}
for (const [topology, reason] of skipped) process.stderr.write(`${topology}: skipped: ${reason}\n`);
const topologies = requested.filter((topology) => !skipped.has(topology));
const profiles = process.env.BENCH_CPU_PROF_DIR
  ? new WindowProfiles(resolve(process.env.BENCH_CPU_PROF_DIR))
  : undefined;

/** Where a cell sends its load, and which processes it measures. */
function targetOf(topology: Cell['topology']) {
  if (topology === HELLO_WORLD)
    return {
      baseUrls: [hello!.baseUrl],
      processes: [{ label: HELLO_WORLD, pid: hello!.process.pid }],
      servers: [],
      fixture: running[0]!.fixture,
    };
  return running.find((candidate) => candidate.topology === topology)!;
}

/** The processes of every running system and of the ceiling that `measured` does not include. */
function pidsOtherThan(measured: ReadonlyArray<{ pid: number }>): number[] {
  const all = [...running.flatMap((system) => system.processes), ...(hello ? [{ pid: hello.process.pid }] : [])];
  return all.map(({ pid }) => pid).filter((pid) => !measured.some((own) => own.pid === pid));
}

const running: RunningSystem[] = [];
let hello: HelloWorld | undefined;
const cells: Cell[] = [
  ...FLOWS.flatMap((flow) => topologies.map((topology) => ({ topology, flow, rounds: [] }))),
  // The ceiling: the same load against a bare Nest endpoint (not profiled: it has no profiler).
  ...(profiles ? [] : [{ topology: HELLO_WORLD, flow: HELLO_FLOW, rounds: [] } satisfies Cell]),
  // The latency target's load: the monolith's read at a fixed rate (not profiled: bench:profile's table is read and place).
  ...(profiles || !topologies.includes('monolith')
    ? []
    : [{ topology: 'monolith', flow: PACED_READ, rounds: [] } satisfies Cell]),
];
try {
  hello = await startHelloWorld();
  // All run side by side (idle when not measured), so that rounds can take turns.
  for (const topology of topologies) {
    running.push(await startSystem(topology, profiles?.env()));
    process.stderr.write(`${topology}: ${running.at(-1)!.processes.length} processes ready\n`);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const cell of cells) {
      const target = targetOf(cell.topology);
      const { processes, fixture } = target;
      const hooks = profiles && {
        begin: () => profiles.begin(processes),
        end: () => profiles.end(processes, `${cell.topology}-${cell.flow.id}-${round}`),
      };
      const neighbours = pidsOtherThan(processes);
      const figures = await withNeighboursPaused(
        neighbours,
        processes.map(({ pid }) => pid),
        () =>
          measureQuietly(() => measureCell(target, cell.flow, fixture, options, hooks), {
            maxOtherCores: MAX_OTHER_LOAD,
            attempts: ATTEMPTS,
          }),
      );
      cell.rounds.push(figures);
      const cpu = [...figures.cpuByProcess.values()].reduce((sum, seconds) => sum + seconds, 0);
      process.stderr.write(
        `round ${round}/${ROUNDS} ${cell.flow.id} ${cell.topology}: ${Math.round(figures.throughput)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ` +
          (figures.lateSendP99Ms === undefined ? '' : `sent late by ${figures.lateSendP99Ms} ms at p99, `) +
          `${figures.failures} failed, CPU ${cpu.toFixed(2)} s, peak RSS ${[...figures.peakRssByProcess.values()].reduce((sum, mib) => sum + mib, 0).toFixed(0)} MiB (load generator ${figures.loadGeneratorCpuSeconds.toFixed(2)} s, other programs ${figures.otherLoadCores.toFixed(1)} cores)\n`,
      );
    }
  }
} finally {
  await hello?.process.stop();
  await Promise.all(running.map((system) => system.stop()));
}
// After the topologies, on their own: the two monoliths it starts would otherwise idle beside them.
const tracing = TRACING === 'include' ? await compareObservability(options.connections, MAX_OTHER_LOAD) : undefined;

const table = resultsTable(cells);
const perProcess = perProcessTable(cells);
process.stdout.write(`\n${table}\n\n${perProcess}\n`);
if (tracing)
  process.stdout.write(
    `\nMetrics and tracing on (no exporter) against both off, the monolith:\n\n${tracingLines(tracing)}\n`,
  );
if (profiles) process.stdout.write(`\nCPU profiles: ${profiles.dir}/<topology>-<flow>-<round>-<process>.cpuprofile\n`);
if (!process.env.BENCH_TOPOLOGIES && !profiles) {
  const verdicts = [...evaluateTargets(cells), ...(tracing ? observabilityTargets(tracing) : [])];
  process.stdout.write(`\nTargets:\n${verdicts.map((line) => `- ${line}`).join('\n')}\n`);
  writeDocsSection(
    'docs/benchmarks.md',
    'topology',
    topologySection({
      date: new Date().toISOString().slice(0, 10),
      machine: describeMachine(),
      options,
      rounds: ROUNDS,
      note: process.env.BENCH_NOTE,
      table,
      perProcess,
      verdicts,
      cells,
      skipped,
      tracing: tracing && observabilityTable(tracing),
    }),
  );
}
process.exit(0);
