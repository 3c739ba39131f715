import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  type DatabaseConfig,
  dataSourceOptions,
  defineModuleData,
  inTransaction,
  openDataSource,
} from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { type DataSource, type EntityManager, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { Inbox } from './inbox.js';
import {
  createInboxReceivedAtIndex,
  createMessagingTables,
  dropInboxReceivedAtIndex,
  INBOX_RECEIVED_AT_INDEX,
} from './messaging.tables.js';
import { Sql } from './sql.js';

class CreateApplied1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'applied',
        columns: [
          { name: 'event_id', type: 'varchar', length: '40', isPrimary: true },
          { name: 'txid', type: 'varchar', length: '40', isNullable: true },
        ],
      }),
    );
    await createMessagingTables(runner);
  }
  async down(): Promise<void> {}
}

const data = defineModuleData({ module: 'inbox-test', entities: [], migrations: [CreateApplied1700000000000] });
const postgresReason = await postgresUnavailableReason();

interface Setup {
  name: string;
  skip?: string;
  open(): Promise<{ dataSource: DataSource; close(): Promise<void> }>;
}

const SETUPS: Setup[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dataSource = await openDataSource(dataSourceOptions(data, { kind: 'memory' }));
      return { dataSource, close: () => dataSource.destroy() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresReason,
    open: async () => {
      const database = await TemporaryPostgres.create();
      const config: DatabaseConfig = { kind: 'postgres', url: database.url };
      const dataSource = await openDataSource(dataSourceOptions(data, config));
      return {
        dataSource,
        close: async () => {
          await dataSource.destroy();
          await database.drop();
        },
      };
    },
  },
];

for (const setup of SETUPS) {
  const suite = setup.skip ? describe.skip : describe;
  suite(`Inbox.once, calls made together — ${setup.name}${setup.skip ? ` — skipped: ${setup.skip}` : ''}`, () => {
    let dataSource: DataSource;
    let close: () => Promise<void>;
    let sql: Sql;
    let inbox: Inbox;

    beforeAll(async () => {
      ({ dataSource, close } = await setup.open());
      sql = new Sql(dataSource);
      inbox = new Inbox(sql, { maxGroupSize: 8 });
    });
    afterAll(() => close?.());

    const table = () => sql.table('applied');
    /** An effect that records its event (and, on PostgreSQL, the transaction it ran in). */
    const record = (eventId: string) => async (manager: EntityManager) => {
      const txid = sql.postgres ? 'txid_current()::text' : 'NULL';
      await sql.rows(`INSERT INTO ${table()} (event_id, txid) VALUES (:1, ${txid})`, [eventId], manager);
    };
    const appliedRows = async (ids: string[]) => {
      const rows = await sql.rows<{ event_id: string; txid: string | null }>(
        `SELECT event_id, txid FROM ${table()}`,
        [],
      );
      return rows.filter((row) => ids.includes(row.event_id));
    };
    const inboxRows = async (consumer: string) =>
      (await sql.rows(`SELECT event_id FROM ${sql.table('seam_inbox')} WHERE consumer = :1`, [consumer])).length;

    it('applies each of a burst once, and answers true for each', async () => {
      const ids = Array.from({ length: 20 }, () => randomUUID());
      const answers = await Promise.all(ids.map((id) => inbox.once('burst', id, record(id))));
      expect(answers).toEqual(ids.map(() => true));
      expect((await appliedRows(ids)).map((row) => row.event_id).toSorted()).toEqual([...ids].toSorted());
      expect(await inboxRows('burst')).toBe(20);
    });

    if (setup.name === 'PostgreSQL') {
      it('shares a transaction among up to maxGroupSize calls made together', async () => {
        const ids = Array.from({ length: 20 }, () => randomUUID());
        await Promise.all(ids.map((id) => inbox.once('grouped', id, record(id))));
        const rows = await appliedRows(ids);
        const perTransaction = new Map<string, number>();
        for (const row of rows) perTransaction.set(row.txid!, (perTransaction.get(row.txid!) ?? 0) + 1);
        // 20 calls in groups of at most 8: three transactions of even size (7, 7, 6), not twenty.
        expect([...perTransaction.values()].toSorted()).toEqual([6, 7, 7]);
      });

      it('gives each call its own transaction with maxGroupSize 1', async () => {
        const alone = new Inbox(sql, { maxGroupSize: 1 });
        const ids = Array.from({ length: 5 }, () => randomUUID());
        await Promise.all(ids.map((id) => alone.once('alone', id, record(id))));
        expect(new Set((await appliedRows(ids)).map((row) => row.txid)).size).toBe(5);
      });

      it('applies a group one call at a time when it waits past groupLockTimeoutMs for a lock', async () => {
        const blocked = randomUUID();
        await dataSource.query(`INSERT INTO ${table()} (event_id) VALUES ($1)`, [blocked]);
        const impatient = new Inbox(sql, { maxGroupSize: 8, groupLockTimeoutMs: 50 });
        const ids = Array.from({ length: 4 }, () => randomUUID());
        const runs = new Map<string, number>();
        const effect = (id: string) => async (manager: EntityManager) => {
          runs.set(id, (runs.get(id) ?? 0) + 1);
          if (id === ids[2]) await manager.query(`UPDATE ${table()} SET txid = 'x' WHERE event_id = $1`, [blocked]);
          await record(id)(manager);
        };
        // Another transaction holds the row the third effect updates until that effect runs a second
        // time: alone, once the group gave up.
        let locked!: () => void;
        const lockTaken = new Promise<void>((resolve) => (locked = resolve));
        const holder = inTransaction(dataSource, async (manager) => {
          await manager.query(`SELECT event_id FROM ${table()} WHERE event_id = $1 FOR UPDATE`, [blocked]);
          locked();
          const started = Date.now();
          while ((runs.get(ids[2]!) ?? 0) < 2 && Date.now() - started < 10_000)
            await new Promise((resolve) => setTimeout(resolve, 10));
        });
        await lockTaken;
        const answers = await Promise.all(ids.map((id) => impatient.once('impatient', id, effect(id))));
        await holder;
        expect(answers).toEqual([true, true, true, true]);
        // The group gave up (its work undone), then each call ran alone: twice each for those before
        // the blocked one, once for the one after it.
        expect(ids.map((id) => runs.get(id))).toEqual([2, 2, 2, 1]);
        expect(await appliedRows(ids)).toHaveLength(4);
        expect(await inboxRows('impatient')).toBe(4);
      });
    }

    it('fails only the call whose effect fails; the others are applied once', async () => {
      const ids = Array.from({ length: 5 }, () => randomUUID());
      const runs = new Map<string, number>();
      const effect = (id: string) => async (manager: EntityManager) => {
        runs.set(id, (runs.get(id) ?? 0) + 1);
        await record(id)(manager);
        if (id === ids[2]) throw new Error(`effect of ${id} failed`);
      };
      const outcomes = await Promise.allSettled(ids.map((id) => inbox.once('partial', id, effect(id))));
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error(`effect of ${ids[2]} failed`));
      const applied = (await appliedRows(ids)).map((row) => row.event_id).toSorted();
      expect(applied).toEqual([ids[0], ids[1], ids[3], ids[4]].toSorted());
      expect(await inboxRows('partial')).toBe(4);
      // The group stopped at the failure (its work undone), then each call ran alone: twice each up
      // to the failing one, once for those after it.
      expect(ids.map((id) => runs.get(id))).toEqual([2, 2, 2, 1, 1]);
      // The failed one is still to be applied: a later delivery applies it.
      await expect(inbox.once('partial', ids[2]!, record(ids[2]!))).resolves.toBe(true);
    });

    it('applies an event given twice in one burst once, and skips one applied before', async () => {
      const before = randomUUID();
      const twice = randomUUID();
      await expect(inbox.once('dedupe', before, record(before))).resolves.toBe(true);
      let runs = 0;
      const counted = (id: string) => async (manager: EntityManager) => {
        runs++;
        await record(id)(manager);
      };
      const answers = await Promise.all([
        inbox.once('dedupe', twice, counted(twice)),
        inbox.once('dedupe', before, counted(before)),
        inbox.once('dedupe', twice, counted(twice)),
      ]);
      expect(answers).toEqual([true, false, false]);
      expect(runs).toBe(1);
      // The same event id for two consumers is two entries.
      await expect(inbox.once('dedupe-other', twice, async () => undefined)).resolves.toBe(true);
    });

    it("runs each effect in its caller's async context, in the group and alone", async () => {
      const callers = new AsyncLocalStorage<string>();
      const seen = new Map<string, Array<string | undefined>>();
      const ids = Array.from({ length: 6 }, () => randomUUID());
      let failedOnce = false;
      await Promise.all(
        ids.map((id) =>
          callers.run(`caller of ${id}`, () =>
            inbox.once('context', id, async (manager) => {
              seen.set(id, [...(seen.get(id) ?? []), callers.getStore()]);
              // The last effect fails the first time: the group gives up and every call runs alone.
              if (id === ids[5] && !failedOnce) {
                failedOnce = true;
                throw new Error('once only');
              }
              await record(id)(manager);
            }),
          ),
        ),
      ).catch(() => undefined);
      expect(ids.map((id) => seen.get(id))).toEqual(ids.map((id) => [`caller of ${id}`, `caller of ${id}`]));
      expect(await appliedRows(ids)).toHaveLength(6);
    });

    if (setup.name === 'SQLite') {
      it('fails calls made inside a transaction of its own DataSource at once, as inTransaction does', async () => {
        const inside = inTransaction(dataSource, () =>
          Promise.allSettled([
            inbox.once('inside', randomUUID(), async () => undefined),
            inbox.once('inside', randomUUID(), async () => undefined),
          ]),
        );
        const outcomes = await inside;
        expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
        expect(String((outcomes[0] as PromiseRejectedResult).reason)).toContain('it would wait for itself');
      });

      it("keeps a caller's transaction of another DataSource usable from the effects of a group", async () => {
        const other = await openDataSource(
          dataSourceOptions(defineModuleData({ module: 'inbox-other', entities: [], migrations: [] }), {
            kind: 'memory',
          }),
        );
        try {
          const answers = await inTransaction(other, (otherManager) =>
            Promise.all(
              Array.from({ length: 3 }, () => {
                const id = randomUUID();
                return inbox.once('across', id, async (manager) => {
                  // The caller's own transaction of `other`: part of it, so it does not wait.
                  await other.query('SELECT 1');
                  await otherManager.query('SELECT 1');
                  await record(id)(manager);
                });
              }),
            ),
          );
          expect(answers).toEqual([true, true, true]);
        } finally {
          await other.destroy();
        }
      });
    }

    if (setup.name === 'PostgreSQL') {
      it('does not report as applied an effect that caught the error of a failed statement', async () => {
        const ids = Array.from({ length: 3 }, () => randomUUID());
        const effect = (id: string) => async (manager: EntityManager) => {
          await record(id)(manager);
          if (id === ids[2]) await manager.query('SELECT * FROM no_such_table').catch(() => undefined);
        };
        const outcomes = await Promise.allSettled(ids.map((id) => inbox.once('swallowed', id, effect(id))));
        expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
        expect(String((outcomes[2] as PromiseRejectedResult).reason)).toContain('the error was caught');
        expect((await appliedRows(ids)).map((row) => row.event_id).toSorted()).toEqual([ids[0], ids[1]].toSorted());
        expect(await inboxRows('swallowed')).toBe(2);
      });
    }

    for (const indexed of [false, true]) {
      describe(`forget, ${indexed ? 'by the received_at index' : 'walking the inbox (no index)'}`, () => {
        const DAY_MS = 86_400_000;
        const now = Date.parse('2026-06-15T12:00:00.000Z');
        const cutoff = new Date(now - 14 * DAY_MS);
        /** A consumer's name of this variant's own (the two variants share the table). */
        const consumer = (name: string) => `${indexed ? 'indexed' : 'walked'}-${name}`;
        let pruner: Inbox;
        const onRunner = async (work: (runner: QueryRunner) => Promise<void>) => {
          const runner = dataSource.createQueryRunner();
          try {
            await work(runner);
          } finally {
            await runner.release();
          }
        };
        beforeAll(async () => {
          if (indexed) await onRunner(createInboxReceivedAtIndex);
          pruner = new Inbox(sql, { maxGroupSize: 8 });
        });
        afterAll(async () => {
          if (indexed) await onRunner(dropInboxReceivedAtIndex);
        });

        /** Writes entries as if received `ageDays` before `now`, in one statement. */
        const receivedAgo = async (name: string, ids: string[], ageDays: number) => {
          const receivedAt = new Date(now - ageDays * DAY_MS).toISOString();
          const rows = ids.map((_, index) => `(:1, :${index + 3}, :2)`);
          await sql.rows(
            `INSERT INTO ${sql.table('seam_inbox')} (consumer, event_id, received_at) VALUES ${rows.join(', ')}`,
            [consumer(name), receivedAt, ...ids],
          );
        };
        const ids = (count: number) => Array.from({ length: count }, () => randomUUID());

        it('tells whether the inbox has its index', async () => {
          expect(await pruner.prunesByIndex()).toBe(indexed);
        });

        it('deletes every entry received before the cutoff, over many slices, and keeps the others', async () => {
          // 2,600 entries over three consumers: more than two slices of 1,000, old and new interleaved in key order.
          const old = { a: ids(700), b: ids(600) };
          const kept = { a: ids(500), c: ids(800) };
          await receivedAgo('forget-a', old.a, 20);
          await receivedAgo('forget-b', old.b, 15);
          await receivedAgo('forget-a', kept.a, 13);
          await receivedAgo('forget-c', kept.c, 1);
          const statements = jest.spyOn(sql, 'rows');
          let forgotten: number;
          let walked: boolean;
          try {
            forgotten = await pruner.forget(cutoff);
            // By the index: a full slice and the rest. Walking: two or more statements per consumer.
            walked = statements.mock.calls.length > 6;
          } finally {
            statements.mockRestore();
          }
          expect({ forgotten, walked }).toEqual({ forgotten: 1_300, walked: !indexed });

          expect(await inboxRows(consumer('forget-a'))).toBe(500);
          expect(await inboxRows(consumer('forget-b'))).toBe(0);
          expect(await inboxRows(consumer('forget-c'))).toBe(800);
          expect(await pruner.forget(cutoff)).toBe(0);
        });

        if (indexed) {
          it('finds the old entries through the index (the plan of its DELETE)', async () => {
            await receivedAgo('forget-plan', ids(10), 30);
            const statements = jest.spyOn(sql, 'rows');
            let text: string;
            try {
              await pruner.forget(cutoff);
              text = String(statements.mock.calls.find(([call]) => String(call).startsWith('DELETE'))?.[0]);
            } finally {
              statements.mockRestore();
            }
            const plan = await inTransaction(dataSource, async (manager) => {
              // A table this small is read whole whatever the indexes: only the index's use is in question.
              if (sql.postgres) await sql.rows('SET LOCAL enable_seqscan = off', [], manager);
              const rows = await sql.rows(
                `EXPLAIN ${sql.postgres ? '' : 'QUERY PLAN '}${text}`,
                [cutoff.toISOString()],
                manager,
              );
              return JSON.stringify(rows);
            });
            // A range of the index, not a scan of all of it; each row then fetched by its address.
            const expected = sql.postgres
              ? [
                  new RegExp(`Index Scan (on|using) ${INBOX_RECEIVED_AT_INDEX}`),
                  /Index Cond: \(\(received_at\)::text < /,
                  /Tid Scan on seam_inbox/,
                ]
              : [
                  new RegExp(
                    `SEARCH seam_inbox USING (COVERING )?INDEX ${INBOX_RECEIVED_AT_INDEX} \\(received_at<\\?\\)`,
                  ),
                  /SEARCH seam_inbox USING INTEGER PRIMARY KEY \(rowid=\?\)/,
                ];
            for (const pattern of expected) expect(plan).toMatch(pattern);
          });
        }

        it('lets an event whose entry was forgotten be applied again, and still skips one remembered', async () => {
          const [forgotten, remembered] = ids(2);
          await receivedAgo('forget-again', [forgotten!], 30);
          await receivedAgo('forget-again', [remembered!], 2);
          await pruner.forget(cutoff);

          expect(await pruner.once(consumer('forget-again'), forgotten!, record(forgotten!))).toBe(true);
          expect(await pruner.once(consumer('forget-again'), remembered!, record(remembered!))).toBe(false);
          expect((await appliedRows([forgotten!, remembered!])).map((row) => row.event_id)).toEqual([forgotten]);
        });

        it('lets the event loop turn between slices (SQLite answers synchronously)', async () => {
          await receivedAgo('forget-turns', ids(3_500), 40);
          let turns = 0;
          let pruning = true;
          const turn = () => {
            turns++;
            if (pruning) setImmediate(turn);
          };
          setImmediate(turn);
          expect(await pruner.forget(cutoff)).toBe(3_500);
          pruning = false;
          // Four slices or more, a turn after each.
          expect(turns).toBeGreaterThanOrEqual(3);
        });

        it('stops after the slice under way once its signal is aborted', async () => {
          await receivedAgo('forget-abort', ids(2_500), 40);
          const stop = new AbortController();
          const rows = sql.rows.bind(sql);
          // Aborted as the first slice that deleted anything has been deleted.
          const statements = jest.spyOn(sql, 'rows').mockImplementation(async (...args) => {
            const answered = await rows(...args);
            if (args[0].startsWith('DELETE') && answered.length > 0) stop.abort();
            return answered;
          });
          let first: number;
          try {
            first = await pruner.forget(cutoff, stop.signal);
          } finally {
            statements.mockRestore();
          }
          expect(first).toBe(1_000);
          expect(await pruner.forget(cutoff)).toBe(1_500);
          expect(await inboxRows(consumer('forget-abort'))).toBe(0);
        });

        it('deletes each entry once when two prunes run at once (two replicas)', async () => {
          await receivedAgo('forget-twice', ids(1_500), 40);
          const counts = await Promise.all([pruner.forget(cutoff), new Inbox(sql).forget(cutoff)]);
          expect(counts[0]! + counts[1]!).toBe(1_500);
          expect(await inboxRows(consumer('forget-twice'))).toBe(0);
        });
      });
    }

    it('refuses an entry without a consumer or an event id, before touching the database', async () => {
      await expect(inbox.once('', randomUUID(), async () => undefined)).rejects.toThrow(TypeError);
      await expect(inbox.once('empty-id', '', async () => undefined)).rejects.toThrow(
        'An inbox entry needs a consumer and an event id',
      );
      expect(await inboxRows('')).toBe(0);
    });
  });
}
