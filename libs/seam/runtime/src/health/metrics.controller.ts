import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { runningRelays } from '@seam/messaging';
import { authRejections, handledCalls, TransportRouter } from '@seam/transport';

/**
 * `GET /metrics`, in the Prometheus text format: the few process figures every deployable has
 * (uptime, memory, calls waiting for an answer) and the requests its handlers took, per pattern
 * — with replicas, the latter shows which copy did the work. A starting point that scrapers can
 * already use; request and call histograms belong to the observability work.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly router: TransportRouter) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    const memory = process.memoryUsage();
    return [
      gauge('process_uptime_seconds', 'Seconds since the process started.', process.uptime()),
      gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', memory.rss),
      gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', memory.heapUsed),
      gauge('seam_calls_pending', 'Calls this process sent that await an answer.', this.router.pendingCount()),
      handledCounter(handledCalls.snapshot()),
      refusedCounter(authRejections.snapshot()),
      await outboxMetrics(),
    ].join('');
  }
}

/**
 * The outbox of each module whose relay runs here: events waiting (a database count; a module
 * whose database does not answer is left out rather than failing the scrape), and what this
 * process's relay delivered, retried and dead-lettered since it started.
 */
async function outboxMetrics(): Promise<string> {
  const relays = runningRelays().toSorted((a, b) => a.module.localeCompare(b.module));
  const pending = await Promise.all(
    relays.map(async (relay) => [relay.module, await relay.pendingCount().catch(() => undefined)] as const),
  );
  const family = (name: string, type: string, help: string, samples: Array<readonly [string, number | undefined]>) =>
    `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${samples
      .filter(([, value]) => value !== undefined)
      .map(([module, value]) => `${name}{module="${escapeLabel(module)}"} ${value}\n`)
      .join('')}`;
  return [
    family(
      'seam_outbox_pending',
      'gauge',
      'Events in the module outbox not yet delivered to every subscriber.',
      pending,
    ),
    family(
      'seam_outbox_delivered_total',
      'counter',
      'Events this process relayed to every subscriber, since it started.',
      relays.map((relay) => [relay.module, relay.stats.delivered]),
    ),
    family(
      'seam_outbox_retries_total',
      'counter',
      'Failed deliveries this process will try again, since it started.',
      relays.map((relay) => [relay.module, relay.stats.retried]),
    ),
    family(
      'seam_outbox_dead_lettered_total',
      'counter',
      'Events this process moved to the dead-letter table, since it started.',
      relays.map((relay) => [relay.module, relay.stats.deadLettered]),
    ),
  ].join('');
}

const gauge = (name: string, help: string, value: number) =>
  `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;

/** One sample per pattern; patterns are contract constants (`<module>.<verb>-<noun>`), safe as label values. */
function handledCounter(counts: ReadonlyArray<readonly [string, number]>): string {
  const name = 'seam_calls_handled_total';
  const samples = counts
    .map(([pattern, handled]) => `${name}{pattern="${escapeLabel(pattern)}"} ${handled}\n`)
    .join('');
  return `# HELP ${name} Requests whose handler ran in this process, per pattern, since it started.\n# TYPE ${name} counter\n${samples}`;
}

/** Envelopes (and replies) this process refused, per reason: forgeries, replays and key mismatches show here. */
function refusedCounter(counts: ReadonlyArray<readonly [string, number]>): string {
  const name = 'seam_envelopes_refused_total';
  const samples = counts.map(([reason, refused]) => `${name}{reason="${escapeLabel(reason)}"} ${refused}\n`).join('');
  return `# HELP ${name} Envelopes and replies refused as unauthenticated, per reason, since the process started.\n# TYPE ${name} counter\n${samples}`;
}

/** Escapes a label value as the text format requires; a pattern is checked when registered, so this is belt and braces. */
const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
