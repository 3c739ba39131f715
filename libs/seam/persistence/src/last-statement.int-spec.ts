import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { type DataSource, type EntityManager, QueryFailedError, type QueryRunner } from 'typeorm';
import { commitWith } from './last-statement.js';
import { namedStatement } from './named-statements.js';
import { countingRoundTrips, ids, insert, open } from './statement-batch.testing.js';
import { inTransaction } from './transaction.js';

const bump = 'UPDATE tally SET n = n + $2 WHERE id = $1 RETURNING id, n';
/** Refuses by failing, as a last statement must: divides by zero when no row was bumped. */
const bumpOrFail =
  'WITH bumped AS (UPDATE tally SET n = n + 1 WHERE id = $1 RETURNING 1) SELECT 1 / count(*) AS ok FROM bumped';

const queryAndCommit = (manager: EntityManager, sql: string, values: unknown[]) =>
  commitWith(manager, () => manager.query(sql, values));

/** Runs `work` in a transaction on `runner` as `inTransaction` does: committed when it returns, rolled back if it throws. */
async function transaction<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    const answer = await work();
    await runner.commitTransaction();
    return answer;
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

suite(
  `a transaction's last statement sent with its commit, on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`,
  () => {
    let database: TemporaryPostgres;
    let pool: DataSource;
    /** One connection: what a call leaves on it, the next one meets. */
    let alone: DataSource;

    beforeAll(async () => {
      database = await TemporaryPostgres.create();
      pool = await open({ kind: 'postgres', url: database.url });
      alone = await open({ kind: 'postgres', url: database.url, poolSize: 1 });
    });
    afterAll(async () => {
      await Promise.all([pool, alone].map((dataSource) => dataSource?.destroy()));
      await database?.drop();
    });

    it('takes one round trip fewer, answers the statement and commits it, named or not', async () => {
      const runner = pool.createQueryRunner();
      try {
        for (const [id, sql] of [
          ['a1', bump],
          ['a2', namedStatement(pool, bump)],
        ] as const) {
          const [answer, roundTrips] = await countingRoundTrips(runner, () =>
            transaction(runner, async () => {
              await runner.query(insert, [id, 1]);
              return queryAndCommit(runner.manager, sql, [id, 2]);
            }),
          );
          // What `manager.query` answers for an UPDATE on PostgreSQL: its rows and its count.
          expect(answer).toEqual([[{ id, n: 3 }], 1]);
          // The start with the insert, the update with the commit: two, where they were three.
          expect(roundTrips).toBe(2);
        }
      } finally {
        await runner.release();
      }
      expect(await ids(pool, 'a')).toEqual(['a1', 'a2']);
    });

    it('sends a transaction of one statement, its start and its commit in one round trip', async () => {
      const runner = pool.createQueryRunner();
      try {
        const [answer, roundTrips] = await countingRoundTrips(runner, () =>
          transaction(runner, () => queryAndCommit(runner.manager, insert, ['b1', 5])),
        );
        expect(answer).toEqual([{ id: 'b1', n: 5 }]);
        expect(roundTrips).toBe(1);
      } finally {
        await runner.release();
      }
      expect(await ids(pool, 'b')).toEqual(['b1']);
    });

    it('keeps nothing when the last statement fails, fails as any statement does, and leaves the connection ready', async () => {
      const failing = inTransaction(alone, async (manager) => {
        await manager.query(insert, ['c1', 1]);
        return queryAndCommit(manager, bumpOrFail, ['c-missing']);
      });
      await expect(failing).rejects.toBeInstanceOf(QueryFailedError);
      await expect(failing).rejects.toMatchObject({ driverError: { code: '22012' } });
      expect(await ids(alone, 'c')).toEqual([]);
      // The same (only) connection: back out of the aborted transaction, ready for the next one.
      await inTransaction(alone, async (manager) => {
        await manager.query(insert, ['c2', 1]);
        await queryAndCommit(manager, bumpOrFail, ['c2']);
      });
      expect(await alone.query('SELECT id, n FROM tally WHERE id LIKE $1', ['c%'])).toEqual([{ id: 'c2', n: 2 }]);
    });

    it("fails with the commit's own error when the commit fails (a deferred constraint), keeping nothing", async () => {
      await pool.query(
        'CREATE TABLE starts.deferred_unique (id integer, CONSTRAINT deferred_unique_id UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)',
      );
      const failing = inTransaction(alone, async (manager) => {
        await manager.query('INSERT INTO starts.deferred_unique (id) VALUES (1)');
        // Accepted by the statement, checked at COMMIT: the error comes from the commit in its batch.
        return commitWith(manager, () => manager.query('INSERT INTO starts.deferred_unique (id) VALUES (1)'));
      });
      await expect(failing).rejects.toBeInstanceOf(QueryFailedError);
      await expect(failing).rejects.toMatchObject({ driverError: { code: '23505', constraint: 'deferred_unique_id' } });
      expect(await alone.query('SELECT count(*)::int AS n FROM starts.deferred_unique')).toEqual([{ n: 0 }]);
      // The one connection goes on: the server had ended the transaction with the failed commit.
      await inTransaction(alone, (manager) =>
        commitWith(manager, () => manager.query('INSERT INTO starts.deferred_unique (id) VALUES (2)')),
      );
      expect(await alone.query('SELECT id FROM starts.deferred_unique')).toEqual([{ id: 2 }]);
    });

    it('refuses a statement after it unsent, and what it committed stays', async () => {
      const runner = alone.createQueryRunner();
      try {
        await runner.startTransaction();
        await queryAndCommit(runner.manager, insert, ['d1', 1]);
        await expect(runner.query(insert, ['d2', 1])).rejects.toThrow(/committed with its last statement/);
        await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
      expect(await ids(alone, 'd')).toEqual(['d1']);
      // Given back to the pool, the connection carries nothing over.
      await inTransaction(alone, (manager) => manager.query(insert, ['d3', 1]));
      expect(await ids(alone, 'd')).toEqual(['d1', 'd3']);
    });

    it('leaves the commit to TypeORM when the statement makes none, and refuses a second one', async () => {
      const [, roundTrips] = await (async () => {
        const runner = pool.createQueryRunner();
        try {
          return await countingRoundTrips(runner, () =>
            transaction(runner, async () => {
              await runner.query(insert, ['g1', 1]);
              // An empty batch of rows, say: nothing is sent, and nothing is committed early.
              await commitWith(runner.manager, async () => undefined);
              await runner.query(insert, ['g2', 1]);
            }),
          );
        } finally {
          await runner.release();
        }
      })();
      // The start with g1, g2, the commit.
      expect(roundTrips).toBe(3);
      expect(await ids(pool, 'g')).toEqual(['g1', 'g2']);

      const twice = inTransaction(pool, (manager) =>
        commitWith(manager, async () => {
          await manager.query(insert, ['h1', 1]);
          await manager.query(insert, ['h2', 1]);
        }),
      );
      await expect(twice).rejects.toThrow(/no statement may follow it/);
      expect(await ids(pool, 'h')).toEqual(['h1']);
    });

    it('commits nothing early inside a savepoint: the outer transaction still decides', async () => {
      const runner = pool.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query(insert, ['e1', 1]);
        await runner.startTransaction();
        await queryAndCommit(runner.manager, insert, ['e2', 1]);
        await runner.commitTransaction();
        await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
      expect(await ids(pool, 'e')).toEqual([]);
    });

    it('frees the rows it locked without waiting for this process to read the answer', async () => {
      await pool.query(insert, ['hot', 0]);
      const runner = pool.createQueryRunner();
      const client = (await runner.connect()) as { connection: { sync(): void } };
      try {
        await runner.startTransaction();
        await runner.query(insert, ['f1', 1]);
        // Resolved as the batch's Sync is written: before this process can read any answer.
        const written = new Promise<void>((resolve) => {
          const sync = client.connection.sync;
          client.connection.sync = function (this: unknown) {
            client.connection.sync = sync;
            sync.call(this);
            resolve();
          };
        });
        const bumped = queryAndCommit(runner.manager, bump, ['hot', 1]);
        await written;
        // Another session updates the same row while this event loop is blocked: it gets the lock only
        // if the commit went with the update (had COMMIT waited for the answer, psql would time out).
        execFileSync(
          'psql',
          [
            database.url,
            '-v',
            'ON_ERROR_STOP=1',
            '-qc',
            "SET lock_timeout = '5s'",
            '-c',
            "UPDATE starts.tally SET n = n + 10 WHERE id = 'hot'",
          ],
          { stdio: 'pipe', timeout: 20_000 },
        );
        expect(await bumped).toEqual([[{ id: 'hot', n: 1 }], 1]);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      expect(await pool.query('SELECT n FROM tally WHERE id = $1', ['hot'])).toEqual([{ n: 11 }]);
      expect(await ids(pool, 'f')).toEqual(['f1']);
    });
  },
);

describe('a last statement on SQLite', () => {
  let sqlite: DataSource;
  beforeAll(async () => {
    sqlite = await open({ kind: 'memory' });
  });
  afterAll(() => sqlite?.destroy());

  it('runs as any statement, and the transaction commits when the work returns', async () => {
    const answer = await inTransaction(sqlite, async (manager) => {
      await manager.query('INSERT INTO tally (id, n) VALUES (?, ?)', ['s1', 1]);
      return queryAndCommit(manager, 'UPDATE tally SET n = n + ? WHERE id = ? RETURNING id, n', [2, 's1']);
    });
    expect(answer).toEqual([{ id: 's1', n: 3 }]);
    expect(await sqlite.query('SELECT id, n FROM tally')).toEqual([{ id: 's1', n: 3 }]);
  });

  it('is refused outside a transaction', async () => {
    const outside = queryAndCommit(sqlite.manager, 'INSERT INTO tally (id, n) VALUES (?, ?)', ['t1', 1]);
    await expect(outside).rejects.toThrow(/inside a transaction/);
    expect(await sqlite.query('SELECT id FROM tally WHERE id = ?', ['t1'])).toEqual([]);
  });
});
