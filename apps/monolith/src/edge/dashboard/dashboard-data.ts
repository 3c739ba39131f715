import { Injectable } from '@nestjs/common';
import { formatAddress, loadTopology, metricsRegistry, redact, type Topology } from '@seam/runtime';
import { contractEntries, type MapEntry, type MapModule, modulePlacements } from './module-map.js';
import { histogramQuantile, parsePrometheusText, type Sample } from './prometheus-text.js';
import { type RecentSpan, recentSpans, type RecentSpans } from './recent-spans.js';

/** How long a service's `/metrics` may take before the page is drawn without it. */
const SCRAPE_TIMEOUT_MS = 1000;
/** How many traces the page shows, newest first. */
const TRACES_SHOWN = 8;

/** A caller → callee link with its figures, summed over every process scraped, since each started. */
export interface LinkFigures {
  readonly caller: string;
  readonly callee: string;
  readonly transports: readonly string[];
  /** Request attempts (a counter: the page turns two readings into calls/s). */
  readonly calls: number;
  /** Attempts whose outcome was not `ok`. */
  readonly errors: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

/** A span with the spans made within it. */
export interface TraceNode extends RecentSpan {
  readonly children: TraceNode[];
}

/** What `/_seam/data` answers: everything the page draws. */
export interface DashboardSnapshot {
  /** Epoch milliseconds of the reading. */
  readonly at: number;
  readonly topology: string;
  readonly modules: ReadonlyArray<MapModule & { liveReplicas?: number; outboxPending?: number; deadLetters?: number }>;
  readonly entries: readonly MapEntry[];
  readonly links: readonly LinkFigures[];
  /** The processes read: this edge, and each service with a fixed metrics port. */
  readonly sources: ReadonlyArray<{ name: string; ok: boolean; error?: string }>;
  /** The last traces this process saw, newest first, each as its tree(s) of spans. */
  readonly traces: ReadonlyArray<{ traceId: string; startedAt: number; roots: TraceNode[] }>;
}

/**
 * Reads what the dashboard draws: the module map from the contracts and the topology, the live
 * figures from the same Prometheus series `/metrics` exposes — this process's registry, plus
 * each service's `/metrics` when the topology gives it a fixed HTTP port, so that links between
 * two remote modules show too — and the traces from this process's {@link RecentSpans}.
 */
@Injectable()
export class DashboardData {
  private readonly entries = contractEntries();
  private readonly modules: readonly MapModule[];

  /** @param topology where the modules run (default: the one `SEAM_TOPOLOGY` names, as the monolith reads it). */
  constructor(
    private readonly topology: Topology = loadTopology(process.env),
    private readonly spans: RecentSpans = recentSpans,
  ) {
    this.modules = modulePlacements(topology, (module) => {
      const placement = topology.services.find((service) => service.module === module);
      const address = placement?.address ?? topology.monolith.address;
      return address && address.transport !== 'in-process' ? redact(formatAddress(address)) : undefined;
    });
  }

  /** One reading; a service that does not answer is reported in `sources`, never fails it. */
  async snapshot(): Promise<DashboardSnapshot> {
    const urls = [...new Set(this.modules.flatMap(({ metricsUrl }) => (metricsUrl ? [metricsUrl] : [])))];
    const scrapes = await Promise.all([
      metricsRegistry.metrics().then(
        (text) => ({ name: 'edge', text }),
        (error: unknown) => ({ name: 'edge', error }),
      ),
      ...urls.map((url) =>
        fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) })
          .then((response) => (response.ok ? response.text() : Promise.reject(new Error(`HTTP ${response.status}`))))
          .then(
            (text) => ({ name: url, text }),
            (error: unknown) => ({ name: url, error }),
          ),
      ),
    ]);
    const samples = scrapes.flatMap((scrape) => ('text' in scrape ? [parsePrometheusText(scrape.text)] : []));
    return {
      at: Date.now(),
      topology: this.topology.name,
      modules: this.modules.map((module) => {
        const figures = moduleFigures(module.name, samples);
        // A service whose metrics this edge cannot read: its live replicas are unknown, not 0.
        const known = module.runs === 'edge' || (module.metricsUrl !== undefined && figures.liveReplicas > 0);
        return { ...module, ...figures, liveReplicas: known ? figures.liveReplicas : undefined };
      }),
      entries: this.entries,
      links: linkFigures(samples.flat()),
      sources: scrapes.map((scrape) =>
        'text' in scrape
          ? { name: scrape.name, ok: true }
          : { name: scrape.name, ok: false, error: String((scrape.error as Error)?.message ?? scrape.error) },
      ),
      traces: traceTrees(this.spans.spans()),
    };
  }
}

/** Live replicas (processes reporting the module hosted), outbox backlog and dead letters. */
function moduleFigures(module: string, processes: readonly Sample[][]) {
  const of = (samples: readonly Sample[], name: string) =>
    samples.filter((sample) => sample.name === name && sample.labels.module === module);
  const sum = (name: string) => {
    const found = processes.flatMap((samples) => of(samples, name));
    return found.length > 0 ? found.reduce((total, sample) => total + sample.value, 0) : undefined;
  };
  return {
    liveReplicas: processes.filter((samples) => of(samples, 'seam_module_hosted').some(({ value }) => value > 0))
      .length,
    outboxPending: sum('seam_outbox_pending'),
    deadLetters: sum('seam_outbox_dead_letters'),
  };
}

/**
 * Seam's own bookkeeping (a relay asking a module its subscriptions, `<module>.$subscriptions`):
 * reserved entries other than an outbox delivery (`$deliver`, which carries an event of the
 * application and belongs to the trace that wrote it).
 */
const isBookkeeping = (entry = '') => entry.includes('.$') && !entry.endsWith('.$deliver');

/**
 * Per caller → callee: attempts, errors and p50/p99 from `seam_calls_total` and the duration
 * histogram. Seam's bookkeeping calls are left out: every relay asks every module once, which
 * would draw a link between each pair of modules.
 */
export function linkFigures(samples: readonly Sample[]): LinkFigures[] {
  const links = new Map<
    string,
    {
      caller: string;
      callee: string;
      transports: Set<string>;
      calls: number;
      errors: number;
      buckets: Map<number, number>;
    }
  >();
  const linkOf = ({ caller = '?', callee = '?' }: Readonly<Record<string, string>>) => {
    const key = `${caller}→${callee}`;
    let link = links.get(key);
    if (!link) {
      link = { caller, callee, transports: new Set(), calls: 0, errors: 0, buckets: new Map() };
      links.set(key, link);
    }
    return link;
  };
  for (const sample of samples) {
    if (isBookkeeping(sample.labels.entry)) continue;
    if (sample.name === 'seam_calls_total') {
      const link = linkOf(sample.labels);
      link.calls += sample.value;
      if (sample.labels.outcome !== 'ok') link.errors += sample.value;
      if (sample.labels.transport) link.transports.add(sample.labels.transport);
    } else if (sample.name === 'seam_call_duration_seconds_bucket' && sample.labels.le !== undefined) {
      const bound = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
      const { buckets } = linkOf(sample.labels);
      buckets.set(bound, (buckets.get(bound) ?? 0) + sample.value);
    }
  }
  return [...links.values()]
    .filter((link) => link.calls > 0)
    .map(({ caller, callee, calls, errors, buckets, transports }) => {
      const figures: LinkFigures = { caller, callee, calls, errors, transports: [...transports].toSorted() };
      const p50 = histogramQuantile(0.5, buckets);
      const p99 = histogramQuantile(0.99, buckets);
      return Object.assign(
        figures,
        p50 === undefined ? {} : { p50Ms: p50 * 1000 },
        p99 === undefined ? {} : { p99Ms: p99 * 1000 },
      );
    })
    .toSorted((a, b) => a.caller.localeCompare(b.caller) || a.callee.localeCompare(b.callee));
}

/**
 * The newest traces among `spans`, each as trees: a span whose parent was not recorded is a root.
 * Traces of Seam's bookkeeping alone are left out: they would push the application's off the page.
 */
export function traceTrees(spans: readonly RecentSpan[], shown = TRACES_SHOWN): DashboardSnapshot['traces'] {
  const byTrace = new Map<string, RecentSpan[]>();
  for (const span of spans) {
    const members = byTrace.get(span.traceId);
    if (members) members.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  return [...byTrace]
    .filter(([, members]) => !members.every(({ name }) => isBookkeeping(name)))
    .map(([traceId, members]) => {
      const nodes = new Map(members.map((span) => [span.spanId, { ...span, children: [] as TraceNode[] }]));
      const roots: TraceNode[] = [];
      for (const node of nodes.values()) {
        const parent = node.parentId === undefined ? undefined : nodes.get(node.parentId);
        (parent && parent !== node ? parent.children : roots).push(node);
      }
      for (const node of nodes.values()) node.children.sort((a, b) => a.startedAt - b.startedAt);
      roots.sort((a, b) => a.startedAt - b.startedAt);
      return { traceId, startedAt: Math.min(...members.map((span) => span.startedAt)), roots };
    })
    .toSorted((a, b) => b.startedAt - a.startedAt)
    .slice(0, shown);
}
