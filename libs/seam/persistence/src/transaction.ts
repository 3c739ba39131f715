import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

const queues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `work` in a transaction of the module's DataSource and returns its result; any error
 * rolls it back. On SQLite all of a DataSource's queries share one connection, so transactions
 * are queued one at a time here (interleaving two on one connection is an error there); on
 * PostgreSQL each runs on its own pooled connection.
 *
 * On SQLite, a query made outside `inTransaction` while one is open runs on that same connection,
 * inside the open transaction: it sees uncommitted rows, and its writes commit or roll back with
 * it. A module that uses transactions should send all its queries through `inTransaction`.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return dataSource.transaction(work);
  // A promise chain is all the mutex this needs: one queue per DataSource, FIFO, no timeouts.
  const previous = queues.get(dataSource) ?? Promise.resolve();
  const run = previous.then(
    () => immediateTransaction(dataSource, work),
    () => immediateTransaction(dataSource, work),
  );
  queues.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * A SQLite transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`). TypeORM
 * begins them DEFERRED: when two processes share a file (replicas of a module on SQLite), both can
 * read, then both try to write, and SQLite fails one at once with "database is locked" — the busy
 * timeout does not apply to a lock that must be upgraded. Taken at BEGIN, the lock makes the second
 * writer wait (up to the busy timeout) instead. TypeORM has no option for this, so the one
 * statement is swapped on this transaction's query runner; its bookkeeping stays TypeORM's own.
 */
async function immediateTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = beginningImmediately(dataSource.createQueryRunner());
  try {
    await runner.startTransaction();
  } catch (error) {
    // BEGIN failed (the lock stayed busy past the busy timeout): no transaction is open, but
    // TypeORM marked one active before it ran BEGIN. Undo that mark, or the shared runner would
    // refuse every later transaction, and report the lock error itself.
    (runner as { isTransactionActive: boolean }).isTransactionActive = false;
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

const immediate = new WeakSet<QueryRunner>();

/**
 * The runner, made to begin its transactions IMMEDIATE. On SQLite TypeORM hands out one runner per
 * DataSource, so it is changed once and remembered: wrapping it on every transaction would stack
 * one wrapper per transaction ever run, each query slower than the last.
 */
function beginningImmediately(runner: QueryRunner): QueryRunner {
  if (immediate.has(runner)) return runner;
  const query = runner.query.bind(runner);
  runner.query = ((sql: string, ...rest: unknown[]) =>
    (query as (...args: unknown[]) => Promise<unknown>)(
      sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql,
      ...rest,
    )) as typeof runner.query;
  immediate.add(runner);
  return runner;
}
