import { collectDefaultMetrics, register, type Registry } from 'prom-client';
import { metricsOnAtLoad } from '../config/metrics-from-env.js';

/**
 * The registry `/metrics` exposes: prom-client's global one, so that metrics an application
 * defines with prom-client's defaults appear next to Seam's without any wiring. Holds prom-client's
 * default process and Node.js metrics (`process_cpu_seconds_total`, `process_resident_memory_bytes`,
 * `nodejs_heap_size_used_bytes`, event-loop lag, GC…) from the first import on, unless
 * `SEAM_METRICS=off` (then nothing is collected).
 */
export const metricsRegistry: Registry = register;

/** The latency buckets of Seam's histograms, in seconds: an in-process call is well under a millisecond. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

// Once per process (a second collectDefaultMetrics on one registry throws on the duplicate names);
// the registry itself tells whether an earlier copy of this module — or the application — did it.
if (metricsOnAtLoad() && !metricsRegistry.getSingleMetric('process_cpu_user_seconds_total'))
  collectDefaultMetrics({ register: metricsRegistry });
