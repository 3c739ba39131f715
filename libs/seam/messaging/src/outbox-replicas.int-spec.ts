import 'reflect-metadata';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { type DatabaseConfig, dataSourceOptions, inTransaction, openDataSource } from '@seam/persistence';
import { eventually, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { RequestEntry, SeamClient } from '@seam/transport';
import type { DataSource } from 'typeorm';
import { EventSubscribers } from './event-subscribers.js';
import { Outbox } from './outbox.js';
import { OutboxRelay } from './outbox-relay.js';
import { OutboxStore } from './outbox-store.js';
import { relayOptions } from './relay-options.js';
import { SubscriberDirectory } from './subscriber-directory.js';
import { Sql } from './sql.js';
import { Till, tillData } from './till.testing.js';

// The outbox as replicas of a module share it: adds racing on one aggregate, relays whose clocks
// disagree, two relays on one table.

const postgresReason = await postgresUnavailableReason();
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).toReversed()) await cleanup();
});

async function openTill(config: DatabaseConfig): Promise<DataSource> {
  const dataSource = await openDataSource(dataSourceOptions(tillData, config));
  cleanups.push(async () => dataSource.isInitialized && dataSource.destroy());
  return dataSource;
}

async function postgresConfig(): Promise<DatabaseConfig> {
  const database = await TemporaryPostgres.create();
  cleanups.push(() => database.drop());
  return { kind: 'postgres', url: database.url };
}

/**
 * The books module, as the relays see it: each delivery is logged, then answered as `answer` says
 * (by default at once).
 */
function books(answer: () => Promise<void> = async () => undefined) {
  const delivered: Array<{ eventId: string; aggregateId: string; phase: 'start' | 'end' }> = [];
  const seam = {
    reachableModules: () => ['books'],
    send: async (entry: RequestEntry, envelope: { eventId: string; aggregateId: string }) => {
      if (entry.pattern === 'books.$subscriptions') return { patterns: ['till.sale.paid'] };
      delivered.push({ ...envelope, phase: 'start' });
      await answer();
      delivered.push({ ...envelope, phase: 'end' });
      return { handled: true };
    },
  } as unknown as SeamClient;
  const relayOn = (dataSource: DataSource, options = relayOptions({ pollMs: 10 })) =>
    new OutboxRelay(
      'till',
      new OutboxStore(new Sql(dataSource)),
      new SubscriberDirectory(seam, { refreshMs: 60_000, askTimeoutMs: 100, subscribers: EventSubscribers.of(Till) }),
      seam,
      options,
    );
  return { delivered, relayOn };
}

/** Runs `work` with `Date.now()` off by `offsetMs`, as on a replica whose clock is wrong. */
async function withClockOff<T>(offsetMs: number, work: () => Promise<T>): Promise<T> {
  const real = Date.now.bind(Date);
  const skewed = jest.spyOn(Date, 'now').mockImplementation(() => real() + offsetMs);
  try {
    return await work();
  } finally {
    skewed.mockRestore();
  }
}

const SETUPS = [
  { name: 'SQLite', config: async (): Promise<DatabaseConfig> => ({ kind: 'memory' }) },
  { name: 'PostgreSQL', skip: postgresReason, config: postgresConfig },
];

for (const setup of SETUPS) {
  const suite = setup.skip ? describe.skip : describe;
  suite(`Outbox.add — ${setup.name}${setup.skip ? ` — skipped: ${setup.skip}` : ''}`, () => {
    it('refuses a manager outside a transaction, and keeps nothing of a transaction rolled back', async () => {
      const dataSource = await openTill(await setup.config());
      const outbox = new Outbox('till', new Sql(dataSource), () => undefined);
      const store = new OutboxStore(new Sql(dataSource));
      // Outside a transaction the insert would commit at once, whatever became of the change it reports.
      await expect(outbox.add(dataSource.manager, Till.paid, { id: 'e-1' }, { aggregateId: 'a' })).rejects.toThrow(
        /within the transaction of the change it reports/,
      );
      const rolledBack = inTransaction(dataSource, async (manager) => {
        await outbox.add(manager, Till.paid, { id: 'e-2' }, { aggregateId: 'a' });
        throw new Error('the state change failed');
      });
      await expect(rolledBack).rejects.toThrow('the state change failed');
      expect(await store.pendingCount()).toBe(0);
    });
  });
}

const postgres = postgresReason ? describe.skip : describe;
postgres(`The outbox of replicas on PostgreSQL${postgresReason ? ` — skipped: ${postgresReason}` : ''}`, () => {
  it("delivers an aggregate's events in the order they were added, though the later one's transaction commits first", async () => {
    const dataSource = await openTill(await postgresConfig());
    const outbox = new Outbox('till', new Sql(dataSource), () => undefined);
    const store = new OutboxStore(new Sql(dataSource));
    let finishFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (finishFirst = resolve));
    let firstAdded!: () => void;
    const added = new Promise<void>((resolve) => (firstAdded = resolve));
    const first = inTransaction(dataSource, async (manager) => {
      await outbox.add(manager, Till.paid, { id: 'first' }, { aggregateId: 'a' });
      firstAdded();
      await firstHeld;
    });
    await added;
    let secondDone = false;
    const second = inTransaction(dataSource, (manager) =>
      outbox.add(manager, Till.paid, { id: 'second' }, { aggregateId: 'a' }),
    ).finally(() => (secondDone = true));
    // The second add has committed, or waits for the first transaction's lock on the aggregate.
    await eventually(async () => {
      const waiting = await dataSource.query(`SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted`);
      expect(secondDone || waiting.length > 0).toBe(true);
    });

    // Before, the second event was claimed (and delivered) here, and the first only after it.
    expect((await store.claim('relay', 10, 60_000)).map((claimed) => claimed.eventId)).toEqual([]);
    finishFirst();
    await Promise.all([first, second]);
    const order: string[] = [];
    for (let round = 0; round < 2; round++) {
      const claimed = await store.claim('relay', 10, 60_000);
      order.push(...claimed.map((taken) => taken.eventId));
      await store.complete(claimed, 'relay');
    }
    expect(order).toEqual(['first', 'second']);
  });

  it('keeps a live claim from a replica whose clock runs ahead by more than the lease', async () => {
    const dataSource = await openTill(await postgresConfig());
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // Only the first delivery hangs: a second one (the failure this guards against) answers at once.
    let deliveries = 0;
    const { delivered, relayOn } = books(() => (++deliveries === 1 ? answered : Promise.resolve()));
    const outbox = new Outbox('till', new Sql(dataSource), () => undefined);
    await inTransaction(dataSource, (manager) => outbox.add(manager, Till.paid, { id: 'e-1' }, { aggregateId: 'a' }));
    const options = relayOptions({ pollMs: 10, leaseMs: 30_000, deliveryTimeoutMs: 5_000 });
    // The first replica's round is delivering the event, well within its lease.
    const slow = relayOn(dataSource, options).round();
    await eventually(() => expect(delivered).toHaveLength(1));

    // Before, the replica 60 s ahead took the claim over and delivered the event again at once.
    const ahead = relayOn(dataSource, options);
    expect(await withClockOff(60_000, () => ahead.round())).toBe(0);
    answer();
    expect(await slow).toBe(1);
    expect(delivered.filter((entry) => entry.phase === 'start')).toHaveLength(1);
    expect(await new OutboxStore(new Sql(dataSource)).pendingCount()).toBe(0);
  });

  it('backs a retry off from the database clock, not from the clock of a replica running behind', async () => {
    const dataSource = await openTill(await postgresConfig());
    const { relayOn } = books(async () => {
      throw new Error('books is failing');
    });
    const outbox = new Outbox('till', new Sql(dataSource), () => undefined);
    await inTransaction(dataSource, (manager) => outbox.add(manager, Till.paid, { id: 'e-1' }, { aggregateId: 'a' }));
    const options = relayOptions({ pollMs: 10, backoff: { baseMs: 60_000, maxMs: 60_000 } });
    const behind = relayOn(dataSource, options);
    expect(await withClockOff(-5 * 60_000, () => behind.round())).toBe(1);
    expect(behind.stats.retried).toBe(1);

    // Its retry is due in 30 to 60 s. Before, it was set 5 minutes early, and so was due at once.
    const onTime = relayOn(dataSource, options);
    expect(await onTime.round()).toBe(0);
    expect(await new OutboxStore(new Sql(dataSource)).pendingCount()).toBe(1);
  });

  it("two relays deliver every event once, an aggregate's one at a time and in order", async () => {
    const config = await postgresConfig();
    const [one, two] = [await openTill(config), await openTill(config)];
    const outbox = new Outbox('till', new Sql(one), () => undefined);
    const added = new Map<string, string[]>();
    for (let index = 0; index < 120; index++) {
      const aggregateId = `a-${index % 8}`;
      const eventId = await inTransaction(one, (manager) =>
        outbox.add(manager, Till.paid, { id: `e-${index}` }, { aggregateId }),
      );
      added.set(aggregateId, [...(added.get(aggregateId) ?? []), eventId]);
    }
    const { delivered, relayOn } = books(() => new Promise((resolve) => setTimeout(resolve, Math.random() * 10)));
    const options = relayOptions({ pollMs: 10, batchSize: 5 });
    const relays = [relayOn(one, options), relayOn(two, options)];
    for (const relay of relays) relay.start();
    cleanups.push(() => Promise.all(relays.map((relay) => relay.stop())));
    const store = new OutboxStore(new Sql(one));
    await eventually(async () => expect(await store.pendingCount()).toBe(0), { timeoutMs: 20_000 });
    await Promise.all(relays.map((relay) => relay.stop()));

    const starts = delivered.filter((entry) => entry.phase === 'start');
    expect(starts).toHaveLength(120);
    for (const [aggregateId, eventIds] of added) {
      const ofAggregate = delivered.filter((entry) => entry.aggregateId === aggregateId);
      // Each delivery ends before the next of its aggregate starts.
      expect(ofAggregate.map((entry) => entry.phase)).toEqual(eventIds.flatMap(() => ['start', 'end']));
      expect(ofAggregate.filter((entry) => entry.phase === 'start').map((entry) => entry.eventId)).toEqual(eventIds);
    }
    expect(relays.map((relay) => relay.stats.delivered).reduce((sum, count) => sum + count)).toBe(120);
  });
});
