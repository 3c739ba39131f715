import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { inTransaction } from '@seam/persistence';
import type { DataSource, QueryRunner } from 'typeorm';
import { Inbox } from './inbox.js';
import { INBOX_TEST_SETUPS, inboxTestHelpers } from './inbox.testing.js';
import { createInboxReceivedAtIndex, dropInboxReceivedAtIndex, INBOX_RECEIVED_AT_INDEX } from './messaging.tables.js';
import { Sql } from './sql.js';

for (const setup of INBOX_TEST_SETUPS) {
  const suite = setup.skip ? describe.skip : describe;
  suite(`Inbox.forget — ${setup.name}${setup.skip ? ` — skipped: ${setup.skip}` : ''}`, () => {
    let dataSource: DataSource;
    let close: () => Promise<void>;
    let sql: Sql;

    beforeAll(async () => {
      ({ dataSource, close } = await setup.open());
      sql = new Sql(dataSource);
    });
    afterAll(() => close?.());

    const { record, appliedRows, inboxRows } = inboxTestHelpers(() => sql);

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
          it('keeps an index of that name already there (built beforehand, CONCURRENTLY on a large inbox)', async () => {
            await onRunner(createInboxReceivedAtIndex);
            expect(await sql.hasIndex(INBOX_RECEIVED_AT_INDEX)).toBe(true);
          });

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
  });
}
