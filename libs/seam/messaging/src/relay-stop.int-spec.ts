import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type DatabaseConfig, dataSourceOptions, inTransaction, openDataSource } from '@seam/persistence';
import { eventually, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { RequestEntry, SeamClient } from '@seam/transport';
import type { DataSource } from 'typeorm';
import { EventSubscribers } from './event-subscribers.js';
import { Inbox } from './inbox.js';
import { Outbox } from './outbox.js';
import { OutboxRelay } from './outbox-relay.js';
import { OutboxStore } from './outbox-store.js';
import { relayOptions } from './relay-options.js';
import { SubscriberDirectory } from './subscriber-directory.js';
import { Sql } from './sql.js';
import { booksData, Till, tillData } from './till.testing.js';

/** A claim this short lets the next relay take the event over within the test. */
const OPTIONS = relayOptions({ pollMs: 20, leaseMs: 600, deliveryTimeoutMs: 300 });

/**
 * The books module: applies each event through its inbox and counts what it applied, then answers
 * — or, while `holdAnswers` is on, never answers (the relay that sent it is stopped mid-delivery).
 */
function booksModule(inbox: Inbox) {
  const applied: string[] = [];
  const state = { holdAnswers: true, deliveries: 0 };
  const seam = {
    reachableModules: () => ['books'],
    send: async (entry: RequestEntry, envelope: { eventId: string }) => {
      if (entry.pattern === 'books.$subscriptions') return { patterns: ['till.sale.paid'] };
      state.deliveries++;
      await inbox.once('books', envelope.eventId, async () => void applied.push(envelope.eventId));
      if (state.holdAnswers) await new Promise(() => undefined);
      return { handled: true };
    },
  } as unknown as SeamClient;
  return { seam, applied, state };
}

interface Setup {
  name: string;
  skip?: string;
  database(): Promise<{ config: DatabaseConfig; drop(): Promise<void> }>;
}

const SETUPS: Setup[] = [
  {
    name: 'SQLite',
    database: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'seam-relay-stop-'));
      return {
        config: { kind: 'sqlite', dataDir },
        drop: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: await postgresUnavailableReason(),
    database: async () => {
      const database = await TemporaryPostgres.create();
      return { config: { kind: 'postgres', url: database.url }, drop: () => database.drop() };
    },
  },
];

for (const setup of SETUPS) {
  const suite = setup.skip ? describe.skip : describe;
  suite(`OutboxRelay.stop — ${setup.name}${setup.skip ? ` — skipped: ${setup.skip}` : ''}`, () => {
    const cleanups: Array<() => Promise<unknown>> = [];
    afterAll(async () => {
      for (const cleanup of cleanups.splice(0).toReversed()) await cleanup();
    });

    it('stops mid-delivery within its limit; the next relay delivers the event, which the subscriber applies once', async () => {
      const database = await setup.database();
      cleanups.push(database.drop);
      const open = async (data = tillData) => {
        const dataSource = await openDataSource(dataSourceOptions(data, database.config));
        cleanups.push(async () => dataSource.isInitialized && dataSource.destroy());
        return dataSource;
      };
      const books = booksModule(new Inbox(new Sql(await open(booksData))));
      const directory = () =>
        new SubscriberDirectory(books.seam, {
          refreshMs: 60_000,
          askTimeoutMs: 100,
          subscribers: EventSubscribers.of(Till),
        });
      const relayOn = (dataSource: DataSource) =>
        new OutboxRelay('till', new OutboxStore(new Sql(dataSource)), directory(), books.seam, OPTIONS);

      // The stopping process: its relay is delivering the event when the signal comes.
      const stopping = await open();
      const first = relayOn(stopping);
      const outbox = new Outbox('till', new Sql(stopping), () => first.wake());
      const eventId = await inTransaction(stopping, (manager) =>
        outbox.add(manager, Till.paid, { id: 'sale-1' }, { aggregateId: 'till-1' }),
      );
      first.start();
      await eventually(() => expect(books.applied).toEqual([eventId]));

      const stopped = first.stop(50).then(() => 'stopped');
      const hung = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000).unref());
      await expect(Promise.race([stopped, hung])).resolves.toBe('stopped');
      // The process then closes its database, under the round still waiting for its answer.
      await stopping.destroy();

      // The next start (or another replica): the event is still there, claimed until the lease runs out.
      const next = await open();
      const store = new OutboxStore(new Sql(next));
      expect(await store.pendingCount()).toBe(1);
      books.state.holdAnswers = false;
      const second = relayOn(next);
      second.start();
      cleanups.push(() => second.stop());
      await eventually(async () => expect(await store.pendingCount()).toBe(0), { timeoutMs: 10_000 });

      expect(books.state.deliveries).toBe(2);
      expect(books.applied).toEqual([eventId]);
      expect(await store.deadLetterCount()).toBe(0);
    });
  });
}
