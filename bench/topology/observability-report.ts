import { extent, formatRate, median } from '../transport/report.js';
import type { CellFigures, Flow } from './load.js';

/** The most an HTTP row may lose to metrics and tracing on without an exporter (issue 15): 5%. */
export const OBSERVABILITY_HTTP_TARGET = 0.95;

/** One flow against the monolith with observability off and on, measured in pairs, one pair per round. */
export interface ObservabilityComparison {
  flow: Flow;
  /**
   * Per round, observability off (`SEAM_METRICS=off`, `OTEL_SDK_DISABLED=true`) and on (metrics
   * recorded, tracing on without an exporter), measured back to back.
   */
  pairs: Array<{ off: CellFigures; on: CellFigures }>;
}

const cpuMsPerRequest = (figures: CellFigures) =>
  ([...figures.cpuByProcess.values()].reduce((sum, seconds) => sum + seconds, 0) * 1_000) / figures.requests;

/**
 * The comparison's figures: medians of each side, and the median of the rounds' own ratios (each
 * pair shared its moment of the machine, so their ratio is steadier than a ratio of medians).
 */
export function summarizeComparison(comparison: ObservabilityComparison) {
  const { pairs } = comparison;
  const of = (pick: (pair: ObservabilityComparison['pairs'][number]) => number) => median(pairs.map(pick));
  const throughputRatios = pairs.map(({ off, on }) => on.throughput / off.throughput);
  return {
    offThroughput: of(({ off }) => off.throughput),
    onThroughput: of(({ on }) => on.throughput),
    throughputRatio: median(throughputRatios),
    /** The lowest and highest of the rounds' own throughput ratios. */
    throughputRatioRange: extent(throughputRatios),
    offCpuMs: of(({ off }) => cpuMsPerRequest(off)),
    onCpuMs: of(({ on }) => cpuMsPerRequest(on)),
    cpuRatio: of(({ off, on }) => cpuMsPerRequest(on) / cpuMsPerRequest(off)),
    failures: pairs.reduce((sum, { off, on }) => sum + off.failures + on.failures, 0),
    otherLoadCores: of(({ off, on }) => Math.max(off.otherLoadCores, on.otherLoadCores)),
  };
}

/** The rounds' own ratios, lowest to highest, beside the median: whether a verdict is within their spread. */
const spread = ([low, high]: readonly [number, number], rounds: number) =>
  rounds < 2 ? '' : `, their throughput ratios ${low.toFixed(3)}–${high.toFixed(3)}`;

/** The comparison as a Markdown table, one row per HTTP flow. */
export function observabilityTable(comparisons: ObservabilityComparison[]): string {
  const lines = [
    '| Flow | metrics + tracing off (req/s) | metrics on + tracing on, no exporter (req/s) | on ÷ off, throughput | CPU ms / request off | on | on ÷ off, CPU / request | non-2xx + errors | other programs (cores) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const comparison of comparisons) {
    const figures = summarizeComparison(comparison);
    lines.push(
      `| ${comparison.flow.id} | ${formatRate(figures.offThroughput)} | ${formatRate(figures.onThroughput)} | ${figures.throughputRatio.toFixed(3)} | ${figures.offCpuMs.toFixed(3)} | ${figures.onCpuMs.toFixed(3)} | ${figures.cpuRatio.toFixed(3)} | ${figures.failures} | ${figures.otherLoadCores.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The target per HTTP flow: with metrics on and tracing on without an exporter, the monolith
 * serves at least {@link OBSERVABILITY_HTTP_TARGET} of its throughput with both off (median of the
 * rounds' ratios).
 * A flow with failed requests is missed whatever its rate: an error answers fast.
 */
export function observabilityTargets(comparisons: ObservabilityComparison[]): string[] {
  return comparisons.map((comparison) => {
    const figures = summarizeComparison(comparison);
    const met = figures.throughputRatio >= OBSERVABILITY_HTTP_TARGET && figures.failures === 0;
    const failed = figures.failures > 0 ? `, ${figures.failures} requests failed` : '';
    return `${met ? 'MET' : 'MISSED'} ${comparison.flow.id} flow in the monolith with metrics on and tracing on without an exporter: ${figures.throughputRatio.toFixed(3)}× its throughput with both off (SEAM_METRICS=off, OTEL_SDK_DISABLED=true), CPU per request ${figures.cpuRatio.toFixed(3)}× (median of ${comparison.pairs.length} paired rounds${spread(figures.throughputRatioRange, comparison.pairs.length)}${failed}; target ≥ ${OBSERVABILITY_HTTP_TARGET}×, i.e. at most 5% off)`;
  });
}
