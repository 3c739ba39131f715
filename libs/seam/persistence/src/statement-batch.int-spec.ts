import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { type DataSource, QueryFailedError } from 'typeorm';
import { namedStatement } from './named-statements.js';
import { countingRoundTrips, ids, insert, open, read } from './statement-batch.testing.js';
import { inTransaction } from './transaction.js';
import { isUniqueViolation } from './unique-violation.js';

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

suite(
  `a transaction's start sent with its first statement, on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`,
  () => {
    let database: TemporaryPostgres;
    let pool: DataSource;
    /** One connection: what a call leaves on it, the next one meets. */
    let alone: DataSource;
    let unnamed: DataSource;

    beforeAll(async () => {
      database = await TemporaryPostgres.create();
      pool = await open({ kind: 'postgres', url: database.url });
      alone = await open({ kind: 'postgres', url: database.url, poolSize: 1 });
      unnamed = await open({ kind: 'postgres', url: database.url, preparedStatements: false });
    });
    afterAll(async () => {
      await Promise.all([pool, alone, unnamed].map((dataSource) => dataSource?.destroy()));
      await database?.drop();
    });

    it('takes one round trip fewer, with the same answers, named or not', async () => {
      for (const [dataSource, prefix] of [
        [pool, 'a'],
        [unnamed, 'b'],
      ] as const) {
        const runner = dataSource.createQueryRunner();
        try {
          const [answers, roundTrips] = await countingRoundTrips(runner, async () => {
            await runner.startTransaction();
            const inserted = await runner.query(namedStatement(dataSource, insert), [`${prefix}1`, 1]);
            const readBack = await runner.query(read, [`${prefix}1`]);
            await runner.commitTransaction();
            return [inserted, readBack];
          });
          expect(answers).toEqual([[{ id: `${prefix}1`, n: 1 }], [{ id: `${prefix}1`, n: 1 }]]);
          // The start with the insert, the read, the commit: three, where they were four.
          expect(roundTrips).toBe(3);
        } finally {
          await runner.release();
        }
        expect(await ids(dataSource, prefix)).toEqual([`${prefix}1`]);
      }
    });

    it('runs the first statement inside the transaction: unseen by others until the commit, undone by a rollback', async () => {
      const runner = pool.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query(insert, ['c1', 1]);
        expect(await ids(pool, 'c')).toEqual([]);
        await runner.commitTransaction();
        expect(await ids(pool, 'c')).toEqual(['c1']);
      } finally {
        await runner.release();
      }
      const undone = inTransaction(pool, async (manager) => {
        await manager.query(namedStatement(pool, insert), ['c2', 2]);
        throw new Error('the work failed after its first statement');
      });
      await expect(undone).rejects.toThrow('the work failed');
      expect(await ids(pool, 'c')).toEqual(['c1']);
    });

    it('fails as before when the first statement fails, and leaves the connection ready for the next', async () => {
      await alone.query(insert, ['d1', 1]);
      const failed = inTransaction(alone, (manager) => manager.query(namedStatement(alone, insert), ['d1', 2]));
      await expect(failed).rejects.toBeInstanceOf(QueryFailedError);
      expect(isUniqueViolation(await failed.catch((error: unknown) => error))).toBe(true);
      // Outside any transaction again: this insert commits on its own.
      await alone.query(insert, ['d2', 2]);
      expect(await ids(pool, 'd')).toEqual(['d1', 'd2']);
    });

    it('parses a named first statement again after its first parse failed', async () => {
      const later = 'SELECT n FROM later WHERE id = $1';
      const first = () => inTransaction(alone, (manager) => manager.query(namedStatement(alone, later), ['x']));
      const missing = await first().catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(QueryFailedError);
      expect((missing as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('42P01');
      await alone.query('CREATE TABLE later (id text PRIMARY KEY, n integer)');
      await alone.query("INSERT INTO later (id, n) VALUES ('x', 7)");
      // Had the failed parse been taken for a success, the connection would now bind a statement it never prepared.
      await expect(first()).resolves.toEqual([{ n: 7 }]);
    });

    it('sends nothing for a transaction that ends before its first statement', async () => {
      const runner = pool.createQueryRunner();
      try {
        const [, roundTrips] = await countingRoundTrips(runner, async () => {
          await runner.startTransaction();
          await runner.commitTransaction();
          await runner.startTransaction();
          await runner.rollbackTransaction();
        });
        expect(roundTrips).toBe(0);
        await expect(runner.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
      } finally {
        await runner.release();
      }
    });

    it("keeps the isolation level asked for, and savepoints, which go after the start's statement", async () => {
      const runner = pool.createQueryRunner();
      try {
        await runner.startTransaction('SERIALIZABLE');
        expect(await runner.query('SHOW transaction_isolation')).toEqual([{ transaction_isolation: 'serializable' }]);
        await runner.query(insert, ['e1', 1]);
        await runner.startTransaction();
        await runner.query(insert, ['e2', 2]);
        await runner.rollbackTransaction();
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      expect(await ids(pool, 'e')).toEqual(['e1']);
    });

    it('sends a start held back ahead of a call that cannot carry it (a callback, a stream)', async () => {
      const runner = pool.createQueryRunner();
      try {
        await runner.startTransaction();
        const client = (await runner.connect()) as {
          query(text: string, values: unknown[], callback: (error: Error | null) => void): void;
        };
        await new Promise<void>((resolve, reject) =>
          client.query("INSERT INTO tally (id, n) VALUES ('g1', 1)", [], (error) =>
            error ? reject(error) : resolve(),
          ),
        );
        await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
      // Inside the transaction, so rolled back with it.
      expect(await ids(pool, 'g')).toEqual([]);
    });

    it('forgets a start left behind by a connection given back to the pool', async () => {
      const careless = alone.createQueryRunner();
      await careless.startTransaction();
      await careless.release();
      // The same (only) connection: its insert must commit on its own, not open a transaction nobody ends.
      const next = alone.createQueryRunner();
      try {
        await next.query(insert, ['f1', 1]);
      } finally {
        await next.release();
      }
      expect(await ids(pool, 'f')).toEqual(['f1']);
    });
  },
);
