import { type CallLabels, type CallMeter, installSeamMeters, type SeamMeters } from '@seam/transport';
import { metricsOnAtLoad } from '../config/metrics-from-env.js';
import { type Labels, RedFamily, type Series } from './red-family.js';

const calls = new RedFamily(
  {
    name: 'seam_calls_total',
    help: 'Request attempts this process sent through the seam, by caller, callee, entry, transport and outcome (ok or the SeamError code).',
  },
  {
    name: 'seam_call_duration_seconds',
    help: 'Time from sending a request attempt to its settling (answer, error or deadline), in seconds.',
  },
);

const events = new RedFamily(
  {
    name: 'seam_events_total',
    help: 'Event publications this process handed to a transport, by caller (the emitter), callee (the module declaring the event), event, transport and outcome.',
  },
  { name: 'seam_event_duration_seconds', help: 'Time a transport took to take an event publication, in seconds.' },
);

/** One kind of call or event: a series per outcome, made on the first of each. */
class PrometheusMeter implements CallMeter {
  private ok?: Series;
  private readonly failed = new Map<string, Series>();

  constructor(
    private readonly labels: Labels,
    private readonly family: RedFamily,
  ) {}

  settled(outcome: string, seconds: number): void {
    if (outcome === 'ok') (this.ok ??= this.family.add({ ...this.labels, outcome })).observe(seconds);
    else {
      let series = this.failed.get(outcome);
      if (!series) this.failed.set(outcome, (series = this.family.add({ ...this.labels, outcome })));
      series.observe(seconds);
    }
  }
}

/**
 * The Prometheus {@link SeamMeters}: `seam_calls_total` / `seam_call_duration_seconds` for requests
 * and `seam_events_total` / `seam_event_duration_seconds` for event publications. Meters are
 * cached per label set, so a kind of call keeps one meter whichever client asks.
 */
export class PrometheusSeamMeters implements SeamMeters {
  private readonly meters = new Map<string, PrometheusMeter>();

  call({ caller, callee, entry, transport }: CallLabels): CallMeter {
    return this.meter(`call ${caller} ${callee} ${entry} ${transport}`, { caller, callee, entry, transport }, calls);
  }

  event({ caller, callee, entry, transport }: CallLabels): CallMeter {
    return this.meter(
      `event ${caller} ${callee} ${entry} ${transport}`,
      { caller, callee, event: entry, transport },
      events,
    );
  }

  private meter(key: string, labels: Labels, family: RedFamily): PrometheusMeter {
    let meter = this.meters.get(key);
    if (!meter) this.meters.set(key, (meter = new PrometheusMeter(labels, family)));
    return meter;
  }
}

/**
 * This process's seam meters, installed when `@seam/runtime` is loaded (every process serving
 * `/metrics` loads it) — unless `SEAM_METRICS=off`: then seam calls record nothing.
 */
export const seamMeters = new PrometheusSeamMeters();
if (metricsOnAtLoad()) installSeamMeters(seamMeters);
