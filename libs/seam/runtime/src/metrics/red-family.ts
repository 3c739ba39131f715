import type { Metric } from 'prom-client';
import { METRICS_FLAG, MetricsConfigError } from '../config/metrics-from-env.js';
import { processWide } from './process-wide.js';
import { LATENCY_BUCKETS, metricsRegistry } from './registry.js';

/** A series' label names and values. */
export type Labels = Record<string, string>;

/** One label set's figures: attempts, total seconds, and attempts per latency bucket (not cumulative). */
export class Series {
  count = 0;
  sum = 0;
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length);

  constructor(readonly labels: Labels) {}

  /** The hot path: two additions and a bucket found in a few comparisons (most calls land in the first). */
  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    let index = 0;
    while (index < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[index]!) index++;
    if (index < LATENCY_BUCKETS.length) this.buckets[index]!++;
  }
}

/** Each family's series by counter name, for the whole process. */
const familySeries = processWide('red-family-series', () => new Map<string, Series[]>());
// Marks the metrics a RedFamily registered, whichever copy of this file did.
const MARK = Symbol.for('@seam/runtime.red-family-metric');

/**
 * A counter and a latency histogram fed by the same observations (seam calls and events, HTTP
 * requests), exposed through prom-client's registry (as objects with `get()`, what the registry
 * reads) but kept in plain fields: an observation costs a few nanoseconds, where prom-client's
 * labelled `inc` + `observe` hash and validate the label set every time — about a microsecond, a
 * third of an in-process call, and measured at ~4 µs of an HTTP read in the monolith (2026-12-07).
 */
export class RedFamily {
  private readonly series: Series[];

  /**
   * @throws MetricsConfigError when prom-client's registry already holds a metric of either name
   *   that is not a {@link RedFamily}'s (the application's own `http_requests_total`, say): its
   *   figures and Seam's cannot be told apart, so the process refuses to start rather than expose
   *   one and silently drop the other.
   */
  constructor(counter: { name: string; help: string }, histogram: { name: string; help: string }) {
    // One family per name in the process: a second family of the same name (from a second copy of
    // this package, say) adds its series to the first's list, which the registered metrics read.
    let series = familySeries.get(counter.name);
    if (!series) familySeries.set(counter.name, (series = []));
    this.series = series;
    const seriesList = series;
    register({
      ...counter,
      type: 'counter',
      values: () => seriesList.map(({ labels, count }) => ({ labels, value: count })),
    });
    register({
      ...histogram,
      type: 'histogram',
      values: () =>
        seriesList.flatMap(({ labels, count, sum, buckets }) => {
          let cumulative = 0;
          const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> =
            LATENCY_BUCKETS.map((bound, index) => {
              cumulative += buckets[index]!;
              return { metricName: `${histogram.name}_bucket`, labels: { le: bound, ...labels }, value: cumulative };
            });
          values.push(
            { metricName: `${histogram.name}_bucket`, labels: { le: '+Inf', ...labels }, value: count },
            { metricName: `${histogram.name}_sum`, labels, value: sum },
            { metricName: `${histogram.name}_count`, labels, value: count },
          );
          return values;
        }),
    });
  }

  /** A new series (the caller caches it: a label set is asked for once). */
  add(labels: Labels): Series {
    const series = new Series(labels);
    this.series.push(series);
    return series;
  }
}

interface Exposed {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values(): Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>;
}

/** Registers a family's metric with prom-client's registry, unless a family of that name did already. */
function register({ name, help, type, values }: Exposed): void {
  const existing = metricsRegistry.getSingleMetric(name) as { [MARK]?: true } | undefined;
  if (existing?.[MARK]) return;
  if (existing)
    throw new MetricsConfigError(
      `The metric name "${name}" is already registered with prom-client's registry by something other than Seam; ` +
        `rename that metric, or set ${METRICS_FLAG}=off to turn Seam's metrics off`,
    );
  const metric = {
    [MARK]: true,
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => undefined,
  };
  metricsRegistry.registerMetric(metric as unknown as Metric);
}
