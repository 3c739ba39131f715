import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchSetting } from '../bench-setting.js';
import { FLOWS, type LoadOptions, measureCell } from './load.js';
import { withNeighboursPaused } from './paused-neighbours.js';
import type { ObservabilityComparison } from './observability-report.js';
import { waitForQuietMachine } from './process-cpu.js';
import { type RunningSystem, startSystem } from './systems.js';

/**
 * Pairs of windows measured back to back, and the median of the pairs' ratios: on a shared machine
 * other programs come and go, and a pair mostly sees one machine, where two separate runs do not.
 * Each window is 10 s (after 1 s of warm-up), eight rounds — until 2026-12-07 they were 3 s, twelve
 * rounds. Under the read the monolith runs a full collection about every 30 s, and each slows ~100 ms
 * of answers (docs/benchmarks.md, "Why the paced cell is measured over 30 s"): a 3-s window held one
 * or none, and the read's pairs swung from 0.65× to 1.32× in one run (median 0.915×, under the 5%
 * target); eight 10-s pairs on 2026-12-07 read 0.885–1.018× (median 0.959×).
 * BENCH_TRACING_ROUNDS (8) and BENCH_TRACING_WINDOW_S (10) change them.
 */
const ROUNDS = benchSetting('BENCH_TRACING_ROUNDS', process.env.BENCH_TRACING_ROUNDS, 8, {
  what: 'paired rounds of the observability comparison',
  whole: true,
});
const WINDOW_S = benchSetting('BENCH_TRACING_WINDOW_S', process.env.BENCH_TRACING_WINDOW_S, 10, {
  what: "the observability comparison's window in seconds",
});

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
