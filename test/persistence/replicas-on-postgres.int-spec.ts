import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createMessagingTables, dropMessagingTables, OutboxStore, Sql } from '@seam/messaging';
import { dataSourceOptions, defineModuleData, openDataSource } from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { CreateCounter1700000000000 } from './fixtures/counter.migration.js';

class CreateMessaging1700000000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await createMessagingTables(runner);
  }
  async down(runner: QueryRunner): Promise<void> {
    await dropMessagingTables(runner);
  }
}

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;
const REPLICAS = 4;
const LETTERS = 30;

/**
 * What N replicas of one app on one PostgreSQL database do at once, besides serving: start on a
 * fresh database (each runs the migrations on start-up), and replay dead letters (an operator runs
 * the command twice, or against two replicas).
 */
suite(`replicas of a module on one PostgreSQL database${reason ? ` — skipped: ${reason}` : ''}`, () => {
  const data = defineModuleData({
    module: 'replicated',
    entities: [],
    migrations: [CreateCounter1700000000000, CreateMessaging1700000000001],
  });
  let database: TemporaryPostgres;
  const opened: DataSource[] = [];

  beforeAll(async () => {
    database = await TemporaryPostgres.create();
  });
  afterAll(async () => {
    await Promise.all(opened.map((dataSource) => dataSource.destroy().catch(() => undefined)));
    await database?.drop();
  });

  it('start together on a fresh database: each opens it, the migrations ran once', async () => {
    const config = { kind: 'postgres', url: database.url } as const;
    const results = await Promise.allSettled(
      Array.from({ length: REPLICAS }, () => openDataSource(dataSourceOptions(data, config))),
    );
    for (const result of results) if (result.status === 'fulfilled') opened.push(result.value);
    expect(results.map((result) => (result.status === 'fulfilled' ? 'opened' : String(result.reason)))).toEqual(
      Array.from({ length: REPLICAS }, () => 'opened'),
    );
    expect(await opened[0]!.query('SELECT name FROM replicated.migrations ORDER BY id')).toEqual([
      { name: 'CreateCounter1700000000000' },
      { name: 'CreateMessaging1700000000001' },
    ]);
    // The counter's seed row went in once: the migration that inserts it ran once.
    expect(await opened[0]!.query('SELECT COUNT(*)::int AS n FROM replicated.counter')).toEqual([{ n: 1 }]);
  });

  it('replay the same dead letters at once: each goes back to the outbox once', async () => {
    const [first, second] = opened;
    const ids = Array.from({ length: LETTERS }, (_, index) => `dead-${index}`);
    for (const [index, id] of ids.entries())
      await first!.query(
        `INSERT INTO replicated.seam_outbox_dead (event_id, aggregate_id, pattern, payload, created_at, attempts, delivered_to, last_error, seq, failed_at)
         VALUES ($1, 'a', 'replicated.thing.happened', '{}', $2, 12, '', 'refused', $3, $2)`,
        [id, new Date().toISOString(), index + 1],
      );
    const stores = [first!, second!].map((dataSource) => new OutboxStore(new Sql(dataSource)));
    const replayed = await Promise.all(stores.map((store) => store.replay()));
    // Between them every letter was replayed, none by both.
    expect(replayed.flat().toSorted()).toEqual(ids.toSorted());
    const [{ outbox, dead }] = (await first!.query(
      `SELECT (SELECT COUNT(*)::int FROM replicated.seam_outbox) AS outbox, (SELECT COUNT(*)::int FROM replicated.seam_outbox_dead) AS dead`,
    )) as [{ outbox: number; dead: number }];
    expect({ outbox, dead }).toEqual({ outbox: LETTERS, dead: 0 });
  });
});
