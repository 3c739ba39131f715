import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, defineModuleData, inTransaction, openDataSource } from '@seam/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { Inbox } from './inbox.js';
import { INBOX_TEST_SETUPS, inboxTestHelpers } from './inbox.testing.js';
import { Sql } from './sql.js';

for (const setup of INBOX_TEST_SETUPS) {
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
    const { record, appliedRows, inboxRows } = inboxTestHelpers(() => sql);

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

    it('refuses an entry without a consumer or an event id, before touching the database', async () => {
      await expect(inbox.once('', randomUUID(), async () => undefined)).rejects.toThrow(TypeError);
      await expect(inbox.once('empty-id', '', async () => undefined)).rejects.toThrow(
        'An inbox entry needs a consumer and an event id',
      );
      expect(await inboxRows('')).toBe(0);
    });
  });
}
