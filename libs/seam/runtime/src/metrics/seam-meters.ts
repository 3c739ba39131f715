import { Counter, Histogram } from 'prom-client';
import { type CallLabels, type CallMeter, installSeamMeters, type SeamMeters } from '@seam/transport';
import { LATENCY_BUCKETS, metricsRegistry } from './registry.js';

const CALL_LABELS = ['caller', 'callee', 'entry', 'transport', 'outcome'] as const;
const EVENT_LABELS = ['caller', 'callee', 'event', 'transport', 'outcome'] as const;

/** Metric families of the seam: a counter and a latency histogram per kind (RED: rate, errors, duration). */
const families = {
  calls: metricOrExisting(
    'seam_calls_total',
    () =>
      new Counter({
        name: 'seam_calls_total',
        help: 'Request attempts this process sent through the seam, by caller, callee, entry, transport and outcome (ok or the SeamError code).',
        labelNames: CALL_LABELS,
        registers: [metricsRegistry],
      }),
  ),
  callSeconds: metricOrExisting(
    'seam_call_duration_seconds',
    () =>
      new Histogram({
        name: 'seam_call_duration_seconds',
        help: 'Time from sending a request attempt to its settling (answer, error or deadline), in seconds.',
        labelNames: CALL_LABELS,
        buckets: [...LATENCY_BUCKETS],
        registers: [metricsRegistry],
      }),
  ),
  events: metricOrExisting(
    'seam_events_total',
    () =>
      new Counter({
        name: 'seam_events_total',
        help: 'Event publications this process handed to a transport, by caller (the emitter), callee (the module declaring the event), event, transport and outcome.',
        labelNames: EVENT_LABELS,
        registers: [metricsRegistry],
      }),
  ),
  eventSeconds: metricOrExisting(
    'seam_event_duration_seconds',
    () =>
      new Histogram({
        name: 'seam_event_duration_seconds',
        help: 'Time a transport took to take an event publication, in seconds.',
        labelNames: EVENT_LABELS,
        buckets: [...LATENCY_BUCKETS],
        registers: [metricsRegistry],
      }),
  ),
};

/**
 * The same family when a second copy of this file is loaded in the process (two bundles, a test
 * module registry): prom-client refuses to register a name twice.
 */
function metricOrExisting<M>(name: string, create: () => M): M {
  return (metricsRegistry.getSingleMetric(name) as M | undefined) ?? create();
}

type Child = [Counter.Internal, Histogram.Internal<string>];

/** One kind of call or event: its labelled children per outcome, made on the first of each. */
class PrometheusMeter implements CallMeter {
  private readonly byOutcome = new Map<string, Child>();

  constructor(
    private readonly labels: Record<string, string>,
    private readonly counter: Counter<string>,
    private readonly histogram: Histogram<string>,
  ) {}

  settled(outcome: string, seconds: number): void {
    let child = this.byOutcome.get(outcome);
    if (!child) {
      const labels = { ...this.labels, outcome };
      child = [this.counter.labels(labels), this.histogram.labels(labels)];
      this.byOutcome.set(outcome, child);
    }
    child[0].inc();
    child[1].observe(seconds);
  }
}

/**
 * The Prometheus {@link SeamMeters}: `seam_calls_total` / `seam_call_duration_seconds` for requests
 * and `seam_events_total` / `seam_event_duration_seconds` for event publications. Meters are
 * cached per label set, so a kind of call keeps one meter whichever client asks.
 */
export class PrometheusSeamMeters implements SeamMeters {
  private readonly meters = new Map<string, PrometheusMeter>();

  call(labels: CallLabels): CallMeter {
    return this.meter('call', labels, families.calls, families.callSeconds);
  }

  event(labels: CallLabels): CallMeter {
    return this.meter('event', labels, families.events, families.eventSeconds);
  }

  private meter(
    kind: 'call' | 'event',
    { caller, callee, entry, transport }: CallLabels,
    counter: Counter<string>,
    histogram: Histogram<string>,
  ): PrometheusMeter {
    const key = `${kind} ${caller} ${callee} ${entry} ${transport}`;
    let meter = this.meters.get(key);
    if (!meter) {
      const labels: Record<string, string> =
        kind === 'call' ? { caller, callee, entry, transport } : { caller, callee, event: entry, transport };
      meter = new PrometheusMeter(labels, counter, histogram);
      this.meters.set(key, meter);
    }
    return meter;
  }
}

/** This process's seam meters, installed when `@seam/runtime` is loaded: every process serving `/metrics` loads it. */
export const seamMeters = new PrometheusSeamMeters();
installSeamMeters(seamMeters);
