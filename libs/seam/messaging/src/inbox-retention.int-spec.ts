import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { dataSourceOptions, defineModuleData, openDataSource } from '@seam/persistence';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { Inbox } from './inbox.js';
import { InboxRetention } from './inbox-retention.js';
import { createInboxReceivedAtIndex, createMessagingTables } from './messaging.tables.js';
import { Sql } from './sql.js';

class CreateMessaging1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await createMessagingTables(runner);
  }
  async down(): Promise<void> {}
}

class IndexInbox1700000000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await createInboxReceivedAtIndex(runner);
  }
  async down(): Promise<void> {}
}

const data = (indexed: boolean) =>
  defineModuleData({
    module: 'retention-test',
    entities: [],
    migrations: indexed ? [CreateMessaging1700000000000, IndexInbox1700000000001] : [CreateMessaging1700000000000],
  });
const HOUR_MS = 3_600_000;

async function inboxWith(entries: Array<[eventId: string, receivedAt: string]>, { indexed = true } = {}) {
  const dataSource = await openDataSource(dataSourceOptions(data(indexed), { kind: 'memory' }));
  for (const [eventId, receivedAt] of entries)
    await dataSource.query('INSERT INTO seam_inbox (consumer, event_id, received_at) VALUES (?, ?, ?)', [
      'consumer',
      eventId,
      receivedAt,
    ]);
  const sql = new Sql(dataSource);
  const inbox = new Inbox(sql, { retentionMs: 2 * HOUR_MS, pruneEveryMs: 60_000 });
  return { dataSource, sql, inbox };
}

const eventIds = async (dataSource: DataSource) =>
  ((await dataSource.query('SELECT event_id FROM seam_inbox ORDER BY event_id')) as Array<{ event_id: string }>).map(
    (row) => row.event_id,
  );

describe('InboxRetention', () => {
  const opened: DataSource[] = [];
  afterEach(async () => {
    jest.restoreAllMocks();
    for (const dataSource of opened.splice(0)) if (dataSource.isInitialized) await dataSource.destroy();
  });

  it("prunes as soon as it starts, by the inbox's retention and its clock", async () => {
    const now = Date.parse('2026-03-01T12:00:00.000Z');
    const { dataSource, inbox } = await inboxWith([
      ['a-three-hours', '2026-03-01T09:00:00.000Z'],
      ['b-two-hours-and-a-bit', '2026-03-01T09:59:59.999Z'],
      ['c-one-hour', '2026-03-01T11:00:00.000Z'],
    ]);
    opened.push(dataSource);
    const retention = new InboxRetention(inbox, 'retention-test', () => now);
    const logged: string[] = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(String(message)));

    retention.start();
    await retention.prune(); // the prune start() began, still under way
    await retention.stop();

    expect(await eventIds(dataSource)).toEqual(['c-one-hour']);
    expect(logged).toEqual(['Forgot 2 inbox entries received before 2026-03-01T10:00:00.000Z']);
  });

  it('stops a prune under way after its current slice when the app stops', async () => {
    const { dataSource, sql, inbox } = await inboxWith([]);
    opened.push(dataSource);
    const old = Array.from({ length: 5_000 }, (_, index) => `old-${String(index).padStart(5, '0')}`);
    const rows = old.map(() => "('consumer', ?, '2000-01-01T00:00:00.000Z')");
    await dataSource.query(`INSERT INTO seam_inbox (consumer, event_id, received_at) VALUES ${rows.join(', ')}`, old);
    const retention = new InboxRetention(inbox, 'retention-test');
    // The app stops while the prune deletes its first slice.
    let stopped: Promise<void> | undefined;
    const run = sql.rows.bind(sql);
    jest.spyOn(sql, 'rows').mockImplementation(async (text, values, manager) => {
      const answer = await run(text, values, manager);
      if (text.startsWith('DELETE')) stopped ??= retention.stop();
      return answer;
    });

    retention.start();
    await retention.prune();
    await stopped;

    // Five slices of a thousand: the stop let the first one finish, and no more.
    expect(stopped).toBeDefined();
    expect((await eventIds(dataSource)).length).toBe(4_000);
  });

  it('warns once, at its first prune, of an inbox without its received_at index', async () => {
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    for (const indexed of [true, false]) {
      const { dataSource, inbox } = await inboxWith([['old', '2000-01-01T00:00:00.000Z']], { indexed });
      opened.push(dataSource);
      const retention = new InboxRetention(inbox, 'retention-test');
      await retention.prune();
      await retention.prune();
      expect(await eventIds(dataSource)).toEqual([]);
    }

    expect(warnings).toEqual([
      'The inbox has no index on received_at: every prune reads all of it. Add a migration that calls createInboxReceivedAtIndex (@seam/messaging).',
    ]);
  });

  it('logs a prune that failed and leaves it to the next interval, without rejecting', async () => {
    const { dataSource, inbox } = await inboxWith([[randomUUID(), '2000-01-01T00:00:00.000Z']]);
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    await dataSource.destroy();

    await expect(new InboxRetention(inbox, 'retention-test').prune()).resolves.toBeUndefined();

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Inbox entries not pruned, will try again: /);
  });

  it('runs one prune at a time: a second asked meanwhile is the same', async () => {
    const { dataSource, inbox } = await inboxWith([['old', '2000-01-01T00:00:00.000Z']]);
    opened.push(dataSource);
    const retention = new InboxRetention(inbox, 'retention-test');
    const forget = jest.spyOn(inbox, 'forget');

    const first = retention.prune();
    expect(retention.prune()).toBe(first);
    await first;

    expect(forget).toHaveBeenCalledTimes(1);
    expect(await eventIds(dataSource)).toEqual([]);
  });
});
