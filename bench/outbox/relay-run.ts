import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InboxOptions, RelayOptions } from '@seam/messaging';
import type { DatabaseConfig } from '@seam/persistence';
import { LedgerService, startNode, tallyBehaviour } from '../../test/messaging/fixtures/ledger.fixture.js';

/** How one database is measured. */
export interface OutboxRunOptions {
  /** Events written per mode. */
  events: number;
  /** Transactions in flight while writing (the app's concurrent requests). */
  writers: number;
  /** Aggregates the events are spread over (the relay delivers one event of an aggregate at a time). */
  aggregates: number;
  /** Relay options other than the defaults (to see what tuning changes). */
  relay?: Partial<RelayOptions>;
  /** The subscriber's inbox options other than the defaults. */
  inbox?: Partial<InboxOptions>;
}

/** The figures of one mode on one database. */
export interface ModeFigures {
  /** Events delivered to, and handled by, the subscriber per second, over the measured span. */
  eventsPerSecond: number;
  /** The span: first write → last event handled and removed from the outbox, in ms. */
  spanMs: number;
  /** How long writing took alone (end to end mode), in ms. */
  writeMs?: number;
  /** Deliveries the subscriber saw beyond one per event (redeliveries). */
  duplicates: number;
}

/** Both modes on one database. */
export interface DatabaseFigures {
  /** Writes and deliveries at once: first write → last event handled. */
  endToEnd: ModeFigures;
  /** A backlog already written, drained by the relay alone: relay start → last event handled. */
  backlog: ModeFigures;
}

/**
 * One app hosting the producer (`ledger`) and the subscriber (`tally`) of the messaging fixture on
 * `database`, with the relay's default options unless `options.relay` says otherwise: each event is one `LedgerService.post` — a row and
 * its event in one transaction, as a module's handler writes them — and is delivered by the relay
 * over the in-process transport to tally, whose handler applies it through its inbox in its own
 * transaction on its own database. An event counts once the relay has had tally's acknowledgement
 * and removed it from the outbox.
 */
export async function measureDatabase(database: DatabaseConfig, options: OutboxRunOptions): Promise<DatabaseFigures> {
  const app = await startNode({ hosted: ['ledger', 'tally'], database, relay: options.relay, inbox: options.inbox });
  try {
    const ledger = app.get(LedgerService);
    // A warm-up: the first transactions and deliveries pay for compiling the code paths.
    await run(ledger, { ...options, events: Math.min(1_000, options.events) });
    const endToEnd = await run(ledger, options);
    await ledger.relay.stop();
    const written = await write(ledger, options);
    const backlog = await drain(ledger, options.events, () => ledger.relay.start());
    return { endToEnd, backlog: { ...backlog, writeMs: written } };
  } finally {
    await app.close();
  }
}

async function run(ledger: LedgerService, options: OutboxRunOptions): Promise<ModeFigures> {
  let writeMs = 0;
  const figures = await drain(ledger, options.events, async () => {
    writeMs = await write(ledger, options);
  });
  return { ...figures, writeMs };
}

/** Posts `options.events` entries from `options.writers` concurrent loops; answers the time it took. */
async function write(ledger: LedgerService, options: OutboxRunOptions): Promise<number> {
  const started = performance.now();
  let next = 0;
  const loop = async () => {
    while (next < options.events) {
      const n = next++;
      await ledger.post({ id: randomUUID(), account: `account-${n % options.aggregates}`, amount: 1, n });
    }
  };
  await Promise.all(Array.from({ length: options.writers }, loop));
  return performance.now() - started;
}

/** Runs `begin` and waits until `events` more events have been delivered; answers the rate. */
async function drain(ledger: LedgerService, events: number, begin: () => unknown): Promise<ModeFigures> {
  tallyBehaviour.reset();
  const target = ledger.relay.stats.delivered + events;
  const started = performance.now();
  await begin();
  while (ledger.relay.stats.delivered < target) {
    if (ledger.relay.stats.deadLettered > 0) throw new Error('an event was dead-lettered: the run is not valid');
    if (performance.now() - started > 600_000) throw new Error(`only ${ledger.relay.stats.delivered} delivered`);
    await sleep(5);
  }
  const spanMs = performance.now() - started;
  const pending = await ledger.relay.pendingCount();
  if (pending !== 0) throw new Error(`${pending} events still in the outbox after the run`);
  return {
    eventsPerSecond: (events * 1_000) / spanMs,
    spanMs,
    duplicates: tallyBehaviour.deliveries.length - events,
  };
}
