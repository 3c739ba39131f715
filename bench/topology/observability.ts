import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FLOWS, type LoadOptions, measureCell } from './load.js';
import { withNeighboursPaused } from './paused-neighbours.js';
import type { ObservabilityComparison } from './observability-report.js';
import { waitForQuietMachine } from './process-cpu.js';
import { type RunningSystem, startSystem } from './systems.js';

/**
 * Short windows, many rounds: on a shared machine other programs come and go within seconds, so
 * two 10-s windows back to back do not see the same machine; pairs of 3-s windows mostly do, and
 * the median of many pairs' ratios leaves the unlucky ones out. Twelve rounds, not eight as until
 * 2026-12-06: one pair's ratio moved by ±10% from round to round on a quiet machine, so the median
 * of eight could miss a 5% target for a cost within that spread (the target lines now give it).
 * BENCH_TRACING_ROUNDS (12) and BENCH_TRACING_WINDOW_S (3, after 1 s of warm-up) change them.
 */
const ROUNDS = Number(process.env.BENCH_TRACING_ROUNDS ?? 12);
const WINDOW_S = Number(process.env.BENCH_TRACING_WINDOW_S ?? 3);

/** The register module the build puts beside the monolith (docs/tracing.md). */
const REGISTER = resolve('dist/apps/monolith/tracing.js');

/**
 * Observability on is the monolith as deployed: RED metrics recorded (`SEAM_METRICS=on`: seam
 * meters, HTTP metrics, prom-client's default collectors) and the tracing register module loaded
 * (`NODE_OPTIONS`, as the image does) with no exporter configured (any inherited from the shell is
 * cleared). Off is all of it turned off: `SEAM_METRICS=off` and `OTEL_SDK_DISABLED=true` (the
 * register module is still loaded, and does nothing, so the two differ only by those two switches).
 */
function variantEnv(observed: boolean): Record<string, string> {
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --import=${REGISTER}`.trim();
  const noExporter = {
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    OTEL_TRACES_EXPORTER: 'otlp',
    SEAM_TRACE_FILE: '',
  };
  return {
    NODE_OPTIONS: nodeOptions,
    ...noExporter,
    OTEL_SDK_DISABLED: observed ? 'false' : 'true',
    SEAM_METRICS: observed ? 'on' : 'off',
  };
}

/**
 * Refuses to compare monoliths that did not start as asked (a stale build, an env that did not
 * reach them): the environment of each, and whether it serves `/metrics` (a build from before
 * `SEAM_METRICS` would serve it in both).
 */
async function assertStartedWith(system: RunningSystem, observed: boolean): Promise<void> {
  const [monolith] = system.processes;
  const environ = readFileSync(`/proc/${monolith!.pid}/environ`, 'utf8').split('\0');
  const env = variantEnv(observed);
  const expected = [
    `OTEL_SDK_DISABLED=${env.OTEL_SDK_DISABLED}`,
    `SEAM_METRICS=${env.SEAM_METRICS}`,
    `NODE_OPTIONS=${env.NODE_OPTIONS}`,
  ];
  for (const line of expected)
    if (!environ.includes(line)) throw new Error(`The monolith (pid ${monolith!.pid}) was not started with ${line}`);
  const status = (await fetch(`${system.baseUrls[0]}/metrics`)).status;
  if (status !== (observed ? 200 : 404))
    throw new Error(
      `The monolith (pid ${monolith!.pid}) answered ${status} for /metrics with SEAM_METRICS=${env.SEAM_METRICS}`,
    );
}

/**
 * Every HTTP flow against the monolith with observability off and on (metrics, tracing without
 * an exporter), both running side by side, measured back to back in each round with
 * `connections` — the order swapped every round, so that neither side always comes first after the other's load — once the
 * machine is quiet (`maxOtherLoad` cores, waiting at most 10 s: the pair shares whatever the
 * machine does, which is what makes its ratio worth reading, so it is not measured again alone).
 */
export async function compareObservability(
  connections: number,
  maxOtherLoad: number,
): Promise<ObservabilityComparison[]> {
  const options: LoadOptions = { connections, warmUpSeconds: 1, durationSeconds: WINDOW_S };
  const rounds = ROUNDS;
  if (!existsSync(REGISTER)) throw new Error(`${REGISTER} is missing: run npm run build first`);
  const comparisons: ObservabilityComparison[] = FLOWS.map((flow) => ({ flow, pairs: [] }));
  const systems: RunningSystem[] = [];
  try {
    for (const observed of [false, true]) {
      const system = await startSystem('monolith', variantEnv(observed));
      systems.push(system);
      await assertStartedWith(system, observed);
    }
    const [off, on] = systems as [RunningSystem, RunningSystem];
    for (let round = 1; round <= rounds; round++) {
      for (const comparison of comparisons) {
        await waitForQuietMachine(maxOtherLoad, 10_000);
        // The other monolith is stopped meanwhile (paused-neighbours.ts).
        const measure = (system: RunningSystem) =>
          withNeighboursPaused(
            (system === on ? off : on).processes.map(({ pid }) => pid),
            system.processes.map(({ pid }) => pid),
            () => measureCell(system, comparison.flow, system.fixture, options),
          );
        const onFirst = round % 2 === 0;
        const first = await measure(onFirst ? on : off);
        const second = await measure(onFirst ? off : on);
        const pair = onFirst ? { on: first, off: second } : { off: first, on: second };
        comparison.pairs.push(pair);
        process.stderr.write(
          `observability round ${round}/${rounds} ${comparison.flow.id}: off ${Math.round(pair.off.throughput)} req/s, on ${Math.round(pair.on.throughput)} req/s (${(pair.on.throughput / pair.off.throughput).toFixed(3)}×; other programs ${pair.off.otherLoadCores.toFixed(1)} / ${pair.on.otherLoadCores.toFixed(1)} cores)\n`,
        );
      }
    }
  } finally {
    await Promise.all(systems.map((system) => system.stop()));
  }
  return comparisons;
}
