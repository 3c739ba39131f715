import { extent, formatRate, median } from '../transport/report.js';
import { HELLO_WORLD } from './hello-world.js';
import type { CellFigures, Flow } from './load.js';

/** The topologies compared, in the order of the table. */
export const TOPOLOGIES = ['monolith', 'monolith-x2-pg', 'mixed', 'split-tcp', 'split-redis'] as const;
export type TopologyName = (typeof TOPOLOGIES)[number];

/** Every round's figures of one flow against one topology. */
export interface Cell {
  /** A topology of the system, or the bare Nest app measured as the ceiling. */
  topology: TopologyName | typeof HELLO_WORLD;
  flow: Flow;
  rounds: CellFigures[];
}

/** The medians of a cell over its rounds. */
export interface CellSummary {
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  cpuSeconds: number;
  cpuMsPerRequest: number;
  /** CPU ms per request of each process of the topology. */
  cpuMsPerRequestByProcess: Map<string, number>;
  /** CPU ms per request of the servers the topology uses (PostgreSQL, Redis), or undefined without any. */
  serverCpuMsPerRequest: number | undefined;
  loadGeneratorCpuSeconds: number;
  otherLoadCores: number;
  /** Peak RSS of every process of the topology during the cell, summed, in MiB. */
  peakRssMiB: number;
  /** A paced cell only: how late the load generator sent its requests, p99 (load-window.ts). */
  lateSendP99Ms?: number;
}

const total = (figures: CellFigures) => [...figures.cpuByProcess.values()].reduce((sum, seconds) => sum + seconds, 0);
const cpuMsOf = (figures: CellFigures) => (total(figures) * 1_000) / figures.requests;

export function summarize(cell: Cell): CellSummary {
  const of = (pick: (figures: CellFigures) => number) => median(cell.rounds.map(pick));
  // The edge first, then the services by name.
  const labels = [...(cell.rounds[0]?.cpuByProcess.keys() ?? [])].toSorted((a, b) =>
    a === 'monolith' ? -1 : b === 'monolith' ? 1 : a.localeCompare(b),
  );
  return {
    throughput: of((figures) => figures.throughput),
    p50Ms: of((figures) => figures.p50Ms),
    p99Ms: of((figures) => figures.p99Ms),
    failures: cell.rounds.reduce((sum, figures) => sum + figures.failures, 0),
    cpuSeconds: of(total),
    cpuMsPerRequest: of(cpuMsOf),
    cpuMsPerRequestByProcess: new Map(
      labels.map((label) => [
        label,
        of((figures) => ((figures.cpuByProcess.get(label) ?? 0) * 1_000) / figures.requests),
      ]),
    ),
    serverCpuMsPerRequest: cell.rounds.some((figures) => figures.serverCpuSeconds > 0)
      ? of((figures) => (figures.serverCpuSeconds * 1_000) / figures.requests)
      : undefined,
    loadGeneratorCpuSeconds: of((figures) => figures.loadGeneratorCpuSeconds),
    otherLoadCores: of((figures) => figures.otherLoadCores),
    peakRssMiB: of((figures) => [...figures.peakRssByProcess.values()].reduce((sum, mib) => sum + mib, 0)),
    ...(cell.rounds.length > 0 && cell.rounds.every((figures) => figures.lateSendP99Ms !== undefined)
      ? { lateSendP99Ms: of((figures) => figures.lateSendP99Ms!) }
      : {}),
  };
}

const ms = (value: number, digits = 2) => value.toFixed(digits);

/**
 * The lowest and highest of a cell's rounds (`pick` of each), written `low–high` with `format`,
 * or nothing for a single round: beside a median, it shows whether a verdict is within the
 * rounds' own spread (the machine's moments, not the code, decide a miss by a few percent).
 */
function roundsRange(cell: Cell, pick: (figures: CellFigures) => number, format: (value: number) => string): string {
  if (cell.rounds.length < 2) return '';
  const [low, high] = extent(cell.rounds.map(pick));
  return ` (rounds ${format(low)}–${format(high)})`;
}

/** The main table: one row per flow and topology. */
export function resultsTable(cells: Cell[]): string {
  const lines = [
    '| Flow | Topology | req/s | p50 (ms) | p99 (ms) | non-2xx + errors | CPU s, all its processes | CPU ms / request | peak RSS, all its processes (MiB) | its database or broker server, CPU ms / request | load generator CPU s | other programs (cores) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const cell of cells) {
    const summary = summarize(cell);
    lines.push(
      `| ${cell.flow.id} | ${cell.topology} | ${formatRate(summary.throughput)} | ${summary.p50Ms} | ${summary.p99Ms} | ${summary.failures} | ${ms(summary.cpuSeconds)} | ${ms(summary.cpuMsPerRequest)} | ${summary.peakRssMiB.toFixed(0)} | ${summary.serverCpuMsPerRequest === undefined ? '' : ms(summary.serverCpuMsPerRequest)} | ${ms(summary.loadGeneratorCpuSeconds)} | ${ms(summary.otherLoadCores, 1)} |`,
    );
  }
  return lines.join('\n');
}

/** Where the CPU of a request goes: ms per request of each process. */
export function perProcessTable(cells: Cell[]): string {
  const lines = ['| Flow | Topology | CPU ms / request, per process |', '| --- | --- | --- |'];
  for (const cell of cells) {
    const perProcess = [...summarize(cell).cpuMsPerRequestByProcess]
      .map(([label, value]) => `${label} ${ms(value)}`)
      .join(' · ');
    lines.push(`| ${cell.flow.id} | ${cell.topology} | ${perProcess} |`);
  }
  return lines.join('\n');
}

/** The most a request may cost the monolith against split-tcp's six processes together. */
export const CPU_RATIO_TARGET = 0.5;
/** The least share of the bare hello-world endpoint's throughput the monolith's read must reach. */
export const CEILING_SHARE_TARGET = 0.4;
/** The p99 of the monolith's read paced at 1,000 req/s (load.ts's `PACED_READ`) must stay under this, in ms. */
export const PACED_P99_TARGET_MS = 20;

/** The topology targets (issue 14), checked against this run: `MET …` or `MISSED …` lines. */
export function evaluateTargets(cells: Cell[]): string[] {
  const present = (topology: Cell['topology'], flow: Flow['id']) =>
    cells.some((cell) => cell.topology === topology && cell.flow.id === flow && cell.rounds.length > 0);
  const cellOf = (topology: Cell['topology'], flow: Flow['id']) =>
    cells.find((cell) => cell.topology === topology && cell.flow.id === flow)!;
  const find = (topology: Cell['topology'], flow: Flow['id']) => summarize(cellOf(topology, flow));
  const cpuRange = (topology: Cell['topology'], flow: Flow['id']) => roundsRange(cellOf(topology, flow), cpuMsOf, ms);
  const verdict = (met: boolean, text: string) => `${met ? 'MET' : 'MISSED'} ${text}`;
  const lines: string[] = [];
  for (const flow of ['read', 'place'] as const) {
    const monolith = find('monolith', flow);
    const split = find('split-tcp', flow);
    const ratio = monolith.cpuMsPerRequest / split.cpuMsPerRequest;
    lines.push(
      verdict(
        ratio <= CPU_RATIO_TARGET,
        `${flow} flow CPU per request: monolith ${ms(monolith.cpuMsPerRequest)} ms${cpuRange('monolith', flow)} ÷ split-tcp ${ms(split.cpuMsPerRequest)} ms${cpuRange('split-tcp', flow)} (all its processes; medians) = ${ratio.toFixed(2)} (target ≤ ${CPU_RATIO_TARGET})`,
      ),
    );
  }
  const readMonolith = find('monolith', 'read');
  if (present(HELLO_WORLD, 'hello')) {
    const ceiling = find(HELLO_WORLD, 'hello');
    const share = readMonolith.throughput / ceiling.throughput;
    lines.push(
      verdict(
        share >= CEILING_SHARE_TARGET,
        `read flow in the monolith: ${formatRate(readMonolith.throughput)} req/s = ${share.toFixed(2)}× a bare Nest hello-world endpoint's ${formatRate(ceiling.throughput)} req/s (target ≥ ${CEILING_SHARE_TARGET}×)`,
      ),
    );
  }
  if (present('monolith', 'read-1000')) {
    const paced = find('monolith', 'read-1000');
    lines.push(
      verdict(
        paced.p99Ms < PACED_P99_TARGET_MS && paced.failures === 0,
        `read flow in the monolith at 1,000 req/s: p99 ${paced.p99Ms} ms${roundsRange(cellOf('monolith', 'read-1000'), (figures) => figures.p99Ms, String)} (p50 ${paced.p50Ms} ms, ${formatRate(paced.throughput)} req/s served, ${paced.failures} failed` +
          (paced.lateSendP99Ms === undefined
            ? ''
            : `; the load generator itself sent them up to ${paced.lateSendP99Ms} ms late at p99`) +
          `; target p99 < ${PACED_P99_TARGET_MS} ms)`,
      ),
    );
  }
  return lines;
}
