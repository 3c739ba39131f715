import type { DataSource, EntityManager } from 'typeorm';

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
    () => dataSource.transaction(work),
    () => dataSource.transaction(work),
  );
  queues.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}
