import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ConnectionTurns } from './connection-turns.js';

export { captureTransactionScope, insideTransactionOf } from './connection-turns.js';

/**
 * Runs `work` in a transaction of the module's DataSource and returns its result; any error
 * rolls it back. No query made outside `work` sees the transaction's rows before it commits:
 *
 * - On PostgreSQL each transaction runs on its own pooled connection, and queries outside one on
 *   others; the database's isolation (READ COMMITTED) does the rest.
 * - On SQLite all of a DataSource's queries share one connection, so its transactions take turns,
 *   one at a time and first come, first served (two interleaved on one connection would be an
 *   error). While one is open, a query made outside `work` — a plain repository read or write, the
 *   outbox relay's poll — waits its turn: it runs after that transaction commits or rolls back,
 *   and before the transactions queued after it. Queries made by `work` (through `manager` or
 *   not, also by work it starts without awaiting, while the transaction lasts) are its own and
 *   never wait. With no transaction open or queued, a query runs at once.
 *
 * Caveat (SQLite): a transaction TypeORM opens itself — `DataSource.transaction`, or a
 * repository's `save()`/`remove()` called outside `inTransaction` with no transaction open —
 * takes its turn like these, but the queries made (and transactions begun) while it is open
 * cannot be told from its own, and run inside it. So modules write through `inTransaction`;
 * migrations run when the DataSource opens, before anything else.
 *
 * @throws Error, on SQLite, when called from `work` of a transaction of the same DataSource (it
 * would wait for itself): pass `manager` down instead.
 * @throws Error, on PostgreSQL, when a statement failed inside `work` and `work` caught the error
 * and went on: the database has already aborted the transaction, and a COMMIT would keep nothing.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dataSource.options.type === 'postgres')
    return dataSource.transaction((manager) => refusingAborted(manager, work));
  if (dataSource.options.type !== 'better-sqlite3') return dataSource.transaction(work);
  const turns = ConnectionTurns.of(dataSource);
  return turns.transaction(() => immediateTransaction(turns.runner(), work));
}

/**
 * Runs `work`, then refuses to commit a PostgreSQL transaction in which a statement failed and
 * `work` caught the error and went on: PostgreSQL answers the COMMIT of such a transaction with a
 * ROLLBACK and no error, and TypeORM does not look, so the work would seem to have committed while
 * nothing was kept. Only a transaction in which a query failed pays for a look (one `SELECT 1`,
 * which an aborted transaction refuses); one that recovered through a savepoint commits as usual.
 */
async function refusingAborted<T>(manager: EntityManager, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = manager.queryRunner!;
  const query = runner.query;
  let failed = false;
  // Every statement of the transaction, repositories' included, goes through the runner's query.
  runner.query = ((...args: Parameters<QueryRunner['query']>) => {
    const result = query.apply(runner, args);
    result.catch(() => (failed = true));
    return result;
  }) as QueryRunner['query'];
  try {
    const result = await work(manager);
    if (failed) await probe(runner);
    return result;
  } finally {
    runner.query = query;
  }
}

async function probe(runner: QueryRunner): Promise<void> {
  try {
    await runner.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `A statement failed inside the transaction and the error was caught: PostgreSQL has aborted the transaction, so nothing of it would be kept (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/**
 * A SQLite transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`). TypeORM
 * begins them DEFERRED: when two processes share a file (replicas of a module on SQLite), both can
 * read, then both try to write, and SQLite fails one at once with "database is locked" — the busy
 * timeout does not apply to a lock that must be upgraded. Taken at BEGIN, the lock makes the second
 * writer wait (up to the busy timeout) instead. TypeORM has no option for this, so the one
 * statement is swapped on the DataSource's runner (see ConnectionTurns); its bookkeeping stays
 * TypeORM's own.
 */
async function immediateTransaction<T>(runner: QueryRunner, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  try {
    await runner.startTransaction();
  } catch (error) {
    // BEGIN failed (the lock stayed busy past the busy timeout): no transaction is open.
    await runner.release();
    throw error;
  }
  try {
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}
