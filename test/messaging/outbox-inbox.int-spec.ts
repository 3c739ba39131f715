import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { OutboxRelay, type OutboxStore, type RelayOptions, type SubscriberDirectory } from '@seam/messaging';
import type { DatabaseConfig } from '@seam/persistence';
import { eventually, freePort, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { type Endpoint, type SeamClient, ValidationError } from '@seam/transport';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import {
  type EntryPosted,
  LedgerService,
  type NodeOptions,
  startNode,
  TallyReader,
  tallyBehaviour,
} from './fixtures/ledger.fixture.js';

/** Fast retries so that the suite's failure paths take milliseconds, not the defaults' seconds. */
// maxAttempts high enough that 30% random failures never exhaust it (0.3^12 per event).
const RELAY = {
  pollMs: 20,
  backoff: { baseMs: 20, maxMs: 200 },
  maxAttempts: 12,
  leaseMs: 4_000,
  deliveryTimeoutMs: 1_000,
};

interface Topology {
  producer: INestApplication;
  consumer: INestApplication;
  apps: INestApplication[];
}

interface Setup {
  name: string;
  skip?: string;
  database(): Promise<DatabaseConfig>;
  /** Endpoints of ledger and tally, or undefined to run both in one process. */
  endpoints?(): Promise<Record<string, Endpoint>>;
  cleanup(): Promise<void>;
}

const postgresReason = await postgresUnavailableReason();
const redisReason = redisUnavailableReason();

function sqliteSetup(
  name: string,
  endpoints?: () => Promise<Record<string, Endpoint>>,
  extraCleanup?: () => Promise<void>,
  skip?: string,
): Setup {
  const dirs: string[] = [];
  return {
    name,
    skip,
    database: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'seam-messaging-'));
      dirs.push(dataDir);
      return { kind: 'sqlite', dataDir };
    },
    endpoints,
    cleanup: async () => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      await extraCleanup?.();
    },
  };
}

let redis: PrivateRedis | undefined;
const databases: TemporaryPostgres[] = [];

const SETUPS: Setup[] = [
  sqliteSetup('in-process, SQLite'),
  {
    name: 'in-process, PostgreSQL',
    skip: postgresReason,
    database: async () => {
      const database = await TemporaryPostgres.create();
      databases.push(database);
      return { kind: 'postgres', url: database.url };
    },
    cleanup: async () => {
      for (const database of databases.splice(0)) await database.drop();
    },
  },
  sqliteSetup('TCP between two apps, SQLite', async () => ({
    ledger: { transport: 'tcp', host: '127.0.0.1', port: await freePort() },
    tally: { transport: 'tcp', host: '127.0.0.1', port: await freePort() },
  })),
  sqliteSetup(
    'Redis streams between two apps, SQLite',
    async () => {
      redis ??= await PrivateRedis.start();
      return { ledger: { transport: 'redis', url: redis.url }, tally: { transport: 'redis', url: redis.url } };
    },
    async () => {
      await redis?.stop();
      redis = undefined;
    },
    redisReason,
  ),
];

async function startTopology(setup: Setup): Promise<Topology> {
  const database = await setup.database();
  const node = (hosted: NodeOptions['hosted'], endpoints?: Record<string, Endpoint>) =>
    startNode({ hosted, endpoints, database, relay: RELAY });
  if (!setup.endpoints) {
    const app = await node(['ledger', 'tally']);
    return { producer: app, consumer: app, apps: [app] };
  }
  const endpoints = await setup.endpoints();
  const consumer = await node(['tally'], endpoints);
  const producer = await node(['ledger'], endpoints);
  return { producer, consumer, apps: [producer, consumer] };
}

const entry = (account: string, n: number, amount = 10): EntryPosted => ({ id: randomUUID(), account, amount, n });

for (const setup of SETUPS) {
  const suite = setup.skip ? describe.skip : describe;
  suite(`Outbox, relay and inbox — ${setup.name}${setup.skip ? ` — skipped: ${setup.skip}` : ''}`, () => {
    let topology: Topology;
    let ledger: LedgerService;
    let tally: TallyReader;
    let store: OutboxStore;

    beforeAll(async () => {
      topology = await startTopology(setup);
      ledger = topology.producer.get(LedgerService);
      tally = topology.consumer.get(TallyReader);
      store = ledger.store;
    }, 60_000);
    afterEach(() => tallyBehaviour.reset());
    afterAll(async () => {
      for (const app of topology?.apps ?? []) await app.close();
      await setup.cleanup();
    });

    const settled = () =>
      eventually(async () => expect(await store.pendingCount()).toBe(0), { timeoutMs: 15_000, intervalMs: 20 });

    it('delivers an event written with its state change, and applies it once', async () => {
      await ledger.post(entry('acc-1', 1, 25));
      await eventually(async () => expect((await tally.totals())['acc-1']).toEqual({ total: 25, applied: 1 }), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      await settled();
    });

    it('writes nothing when the state change rolls back', async () => {
      await expect(ledger.post(entry('acc-rolled-back', 1), { failAfterAdd: true })).rejects.toThrow('posting failed');
      expect(await store.pendingCount()).toBe(0);
      await ledger.post(entry('acc-after', 1));
      await eventually(async () => expect((await tally.totals())['acc-after']).toBeDefined(), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      expect((await tally.totals())['acc-rolled-back']).toBeUndefined();
      expect(tallyBehaviour.deliveries.map((d) => d.account)).not.toContain('acc-rolled-back');
    });

    it('retries a consumer that fails, with backoff, until it takes the event', async () => {
      tallyBehaviour.failBefore = 3;
      await ledger.post(entry('acc-retry', 1, 7));
      await eventually(async () => expect((await tally.totals())['acc-retry']).toEqual({ total: 7, applied: 1 }), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      expect(tallyBehaviour.deliveries.filter((d) => d.account === 'acc-retry')).toHaveLength(4);
    });

    it('applies an event once when its acknowledgement is lost and it arrives again', async () => {
      tallyBehaviour.failAfter = 2;
      const posted = entry('acc-dup', 1, 5);
      await ledger.post(posted);
      await settled();
      const seen = tallyBehaviour.deliveries.filter((d) => d.eventId === posted.id);
      expect(seen.length).toBe(3);
      expect((await tally.totals())['acc-dup']).toEqual({ total: 5, applied: 1 });
    });

    it('dead-letters an event after maxAttempts, lists it, and replays it once the consumer is fixed', async () => {
      tallyBehaviour.broken.add('acc-dead');
      const posted = entry('acc-dead', 1, 9);
      await ledger.post(posted);
      await eventually(async () => expect((await store.deadLetters()).map((d) => d.eventId)).toContain(posted.id), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      const dead = (await store.deadLetters()).find((d) => d.eventId === posted.id);
      expect(dead).toMatchObject({
        pattern: 'ledger.entry.posted',
        aggregateId: 'acc-dead',
        attempts: RELAY.maxAttempts,
        deliveredTo: [],
      });
      expect(dead!.lastError).toContain('account acc-dead is broken');
      expect(tallyBehaviour.deliveries.filter((d) => d.eventId === posted.id)).toHaveLength(RELAY.maxAttempts);
      expect((await tally.totals())['acc-dead']).toBeUndefined();

      tallyBehaviour.broken.clear();
      expect(await store.replay([posted.id, 'no-such-event'])).toEqual([posted.id]);
      await eventually(async () => expect((await tally.totals())['acc-dead']).toEqual({ total: 9, applied: 1 }), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      expect((await store.deadLetters()).map((d) => d.eventId)).not.toContain(posted.id);
    });

    it('keeps each aggregate’s events in the order written, through random failures', async () => {
      tallyBehaviour.flakiness = 0.3;
      const accounts = ['ord-a', 'ord-b', 'ord-c', 'ord-d'];
      for (let n = 1; n <= 15; n++) await Promise.all(accounts.map((account) => ledger.post(entry(account, n))));
      await settled();
      expect(await store.deadLetters()).toEqual([]);
      const seen = await tally.seen();
      for (const account of accounts)
        expect(seen[account]).toEqual(Array.from({ length: 15 }, (_, index) => index + 1));
      const totals = await tally.totals();
      for (const account of accounts) expect(totals[account]).toEqual({ total: 150, applied: 15 });
    }, 60_000);

    it('refuses an event that breaks its contract before writing anything', async () => {
      // `n` is not stored by the ledger itself: only the outbox's check can refuse it.
      const bad = { ...entry('acc-bad', 1), n: 'first' } as unknown as EntryPosted;
      await expect(ledger.post(bad)).rejects.toBeInstanceOf(ValidationError);
      expect(await store.pendingCount()).toBe(0);
    });

    it('claims the same when told events are likely (on PostgreSQL, without the plain read first)', async () => {
      await ledger.relay.stop();
      try {
        expect(await store.claim('eager', 10, 300, { eventsLikely: true })).toEqual([]);
        await ledger.post(entry('acc-eager', 1));
        await ledger.post(entry('acc-eager', 2));
        const taken = await store.claim('eager', 10, 300, { eventsLikely: true });
        // An aggregate's events go one at a time: the first only.
        expect(taken.map((event) => (event.payload as EntryPosted).n)).toEqual([1]);
      } finally {
        ledger.relay.start();
      }
      // Once the claim's lease runs out, the relay delivers both.
      await eventually(async () => expect((await tally.totals())['acc-eager']).toEqual({ total: 20, applied: 2 }), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      await settled();
    });

    it('a second relay on the same database never delivers an event the first is delivering', async () => {
      // Both relays of this producer run at once (as with two replicas of the module).
      // Built from the first relay's own parts (private fields, read for this test only).
      const first = ledger.relay as unknown as {
        directory: SubscriberDirectory;
        seam: SeamClient;
        options: RelayOptions;
      };
      const second = new OutboxRelay('ledger', store, first.directory, first.seam, first.options);
      second.start();
      try {
        const posted = Array.from({ length: 60 }, (_, index) => entry(`pair-${index % 6}`, Math.floor(index / 6) + 1));
        for (const one of posted) await ledger.post(one);
        await settled();
        const ids = new Set(posted.map((one) => one.id));
        const deliveries = tallyBehaviour.deliveries.filter((d) => ids.has(d.eventId));
        expect(deliveries).toHaveLength(60);
        expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(60);
      } finally {
        await second.stop();
      }
      // Both took part: the claims kept them apart, not one relay idling.
      expect(second.stats.delivered).toBeGreaterThan(0);
    }, 60_000);
  });
}
