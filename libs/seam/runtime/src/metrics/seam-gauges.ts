import { Counter, Gauge } from 'prom-client';
import { runningRelays, sagaStateSources } from '@seam/messaging';
import { authRejections, deniedCalls, handledCalls, type TransportRouter } from '@seam/transport';
import { boundedRead } from './bounded-read.js';
import { processWide } from './process-wide.js';
import { metricsRegistry } from './registry.js';

/**
 * The routers whose figures `/metrics` reports (each app serving `/metrics` adds its own), one set
 * for the process: the gauges below are registered by the first copy of this file to load.
 */
const routers = processWide('watched-routers', () => new Set<TransportRouter>());

/** Reports `router`'s pending calls and circuits in `/metrics` until the returned function is called. */
export function watchRouter(router: TransportRouter): () => void {
  routers.add(router);
  return () => routers.delete(router);
}

const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;

/**
 * Registers a family whose samples are read from their source at each scrape (`collect`), once
 * per process: a second copy of this file (another bundle, a test's module registry) finds it, and
 * its routers are in the same set.
 */
function family<M>(name: string, create: () => M): void {
  if (!metricsRegistry.getSingleMetric(name)) create();
}

/** Sets a counter to totals kept elsewhere (prom-client counters only go up; the source is the truth). */
function setTotals(counter: Counter<string>, samples: Iterable<readonly [Record<string, string>, number]>): void {
  counter.reset();
  for (const [labels, value] of samples) counter.inc(labels, value);
}

// Kept from the hand-written exposition (scrapers and tests read it); prom-client's own default
// is \`process_start_time_seconds\`, which is there too.
family(
  'process_uptime_seconds',
  () =>
    new Gauge({
      name: 'process_uptime_seconds',
      help: 'Seconds since the process started.',
      registers: [metricsRegistry],
      collect() {
        this.set(process.uptime());
      },
    }),
);

family(
  'seam_calls_pending',
  () =>
    new Gauge({
      name: 'seam_calls_pending',
      help: 'Calls this process sent that await an answer (in flight).',
      registers: [metricsRegistry],
      collect() {
        let pending = 0;
        for (const router of routers) pending += router.pendingCount();
        this.set(pending);
      },
    }),
);

// Each replica says which modules it serves; Prometheus counts the replicas that answer its scrape
// (`count by (module) (seam_module_hosted)`): a replica that died stops being counted within a
// scrape interval, with no registry of replicas to keep in step.
family(
  'seam_module_hosted',
  () =>
    new Gauge({
      name: 'seam_module_hosted',
      help: 'Modules this process serves (1 each): summed over the scraped processes, the live replicas per module.',
      labelNames: ['module'],
      registers: [metricsRegistry],
      collect() {
        this.reset();
        for (const router of routers) for (const module of router.hostedModules()) this.set({ module }, 1);
      },
    }),
);

family(
  'seam_circuit_breaker_state',
  () =>
    new Gauge({
      name: 'seam_circuit_breaker_state',
      help: "State of this process's circuit breaker per target module: 1 for its current state, 0 for the others.",
      labelNames: ['target', 'state'],
      registers: [metricsRegistry],
      collect() {
        this.reset();
        for (const router of routers)
          for (const [target, current] of router.callPolicy?.circuits?.() ?? [])
            for (const state of CIRCUIT_STATES) this.set({ target, state }, state === current ? 1 : 0);
      },
    }),
);

family(
  'seam_calls_handled_total',
  () =>
    new Counter({
      name: 'seam_calls_handled_total',
      help: 'Requests whose handler ran in this process, per pattern, since it started.',
      labelNames: ['pattern'],
      registers: [metricsRegistry],
      collect() {
        setTotals(
          this,
          handledCalls.snapshot().map(([pattern, handled]) => [{ pattern }, handled] as const),
        );
      },
    }),
);

family(
  'seam_calls_denied_total',
  () =>
    new Counter({
      name: 'seam_calls_denied_total',
      help: 'Requests refused because their contract does not name the caller (PermissionDenied), per pattern, since the process started.',
      labelNames: ['pattern'],
      registers: [metricsRegistry],
      collect() {
        setTotals(
          this,
          deniedCalls.snapshot().map(([pattern, denied]) => [{ pattern }, denied] as const),
        );
      },
    }),
);

family(
  'seam_envelopes_refused_total',
  () =>
    new Counter({
      name: 'seam_envelopes_refused_total',
      help: 'Envelopes and replies refused as unauthenticated, per reason, since the process started.',
      labelNames: ['reason'],
      registers: [metricsRegistry],
      collect() {
        setTotals(
          this,
          authRejections.snapshot().map(([reason, refused]) => [{ reason }, refused] as const),
        );
      },
    }),
);

family(
  'seam_outbox_pending',
  () =>
    new Gauge({
      name: 'seam_outbox_pending',
      help: 'Events in the module outbox not yet delivered to every subscriber (the backlog).',
      labelNames: ['module'],
      registers: [metricsRegistry],
      async collect() {
        const relays = runningRelays();
        // A module whose database does not answer in time (or fails) is left out, not the scrape.
        const counts = await Promise.all(
          relays.map((relay) => boundedRead(relay, 'pending', () => relay.pendingCount())),
        );
        this.reset();
        relays.forEach(
          (relay, index) => counts[index] !== undefined && this.set({ module: relay.module }, counts[index]),
        );
      },
    }),
);

family(
  'seam_outbox_dead_letters',
  () =>
    new Gauge({
      name: 'seam_outbox_dead_letters',
      help: "Events in the module's dead-letter table, waiting for an operator to replay or drop them.",
      labelNames: ['module'],
      registers: [metricsRegistry],
      async collect() {
        const relays = runningRelays();
        const counts = await Promise.all(
          relays.map((relay) => boundedRead(relay, 'dead-letters', () => relay.deadLetterCount())),
        );
        this.reset();
        relays.forEach(
          (relay, index) => counts[index] !== undefined && this.set({ module: relay.module }, counts[index]),
        );
      },
    }),
);

const relayTotals = [
  ['seam_outbox_delivered_total', 'Events this process relayed to every subscriber, since it started.', 'delivered'],
  ['seam_outbox_retries_total', 'Failed deliveries this process will try again, since it started.', 'retried'],
  [
    'seam_outbox_dead_lettered_total',
    'Events this process moved to the dead-letter table, since it started.',
    'deadLettered',
  ],
] as const;

for (const [name, help, stat] of relayTotals)
  family(
    name,
    () =>
      new Counter({
        name,
        help,
        labelNames: ['module'],
        registers: [metricsRegistry],
        collect() {
          setTotals(
            this,
            runningRelays().map((relay) => [{ module: relay.module }, relay.stats[stat]] as const),
          );
        },
      }),
  );

family(
  'seam_sagas',
  () =>
    new Gauge({
      name: 'seam_sagas',
      help: 'Open sagas per module, kind of saga and state (read from the module database).',
      labelNames: ['module', 'saga', 'state'],
      registers: [metricsRegistry],
      async collect() {
        const sources = sagaStateSources();
        const counts = await Promise.all(sources.map((source) => boundedRead(source, 'states', () => source.count())));
        this.reset();
        sources.forEach(({ module, saga }, index) => {
          for (const [state, value] of Object.entries(counts[index] ?? {})) this.set({ module, saga, state }, value);
        });
      },
    }),
);
