import type { Metric } from 'prom-client';
import { MetricsConfigError } from '../config/metrics-from-env.js';
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

/** A family's series: in the order they were made (for the exposition) and by label set. */
interface FamilySeries {
  readonly list: Series[];
  readonly byLabels: Map<string, Series>;
}

/**
 * Each family's series by counter name, for the whole process: a second family of the same name
 * (from a second copy of this package, say) records into the first's series, which the registered
 * metrics read — the same label set is one series, whichever copy asks for it.
 */
const families = processWide('red-families', () => new Map<string, FamilySeries>());
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
  private readonly series: FamilySeries;

  /**
   * @throws MetricsConfigError when prom-client's registry already holds a metric of either name
   *   that is not a {@link RedFamily}'s (the application's own `http_requests_total`, say): its
   *   figures and Seam's cannot be told apart, so the process refuses to start rather than expose
   *   one and silently drop the other. Neither metric is registered then.
   */
  constructor(counter: { name: string; help: string }, histogram: { name: string; help: string }) {
    assertNotTaken(counter.name);
    assertNotTaken(histogram.name);
    let series = families.get(counter.name);
    if (!series) families.set(counter.name, (series = { list: [], byLabels: new Map() }));
    this.series = series;
    const { list } = series;
    register({
      ...counter,
      type: 'counter',
      values: () => list.map(({ labels, count }) => ({ labels, value: count })),
    });
    register({
      ...histogram,
      type: 'histogram',
      values: () =>
        list.flatMap(({ labels, count, sum, buckets }) => {
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

  /** The series of `labels`, made on the first call (the caller caches it: a label set is asked for once). */
  add(labels: Labels): Series {
    const key = JSON.stringify(labels);
    let series = this.series.byLabels.get(key);
    if (!series) {
      series = new Series(labels);
      this.series.byLabels.set(key, series);
      this.series.list.push(series);
    }
    return series;
  }
}

interface Exposed {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values(): Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>;
}

function assertNotTaken(name: string): void {
  const existing = metricsRegistry.getSingleMetric(name) as { [MARK]?: true } | undefined;
  if (existing && !existing[MARK])
    throw new MetricsConfigError(
      `The metric name "${name}" is already registered with prom-client's registry by something other than Seam; rename that metric`,
    );
}

/** Registers a family's metric with prom-client's registry, unless a family of that name did already. */
function register({ name, help, type, values }: Exposed): void {
  if (metricsRegistry.getSingleMetric(name)) return;
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
