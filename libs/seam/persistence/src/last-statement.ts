import type { EntityManager } from 'typeorm';
import { commitWithNextStatement, forgetCommitRequest, type PgClient } from './pg-client-queries.js';

/**
 * Runs `statement` — one statement in `manager`'s transaction (see `inTransaction`): a query, a
 * prepared write, an outbox add — as the transaction's last, and answers what it answers. On
 * PostgreSQL the `COMMIT` is sent in the same round trip and runs only if the statement succeeds:
 * the transaction costs one round trip less, and a row the statement locks is held until the
 * server has committed — not until this process has read the statement's answer, with its event
 * loop busy with other requests, and sent `COMMIT` after it. Under load that wait is what every
 * other transaction of a hot row queues behind: with two monolith replicas placing orders of one
 * sku, each update of its stock row waited 100–136 ms on average (pg_stat_statements, 2026-12-06).
 *
 * What follows from the commit going with the statement:
 * - A refusal must be an error of the statement itself (a constraint, a failing expression), not
 *   an affected-row count or a returned row the caller looks at afterwards: by then the transaction
 *   has committed. A failed statement leaves the transaction aborted, uncommitted, and
 *   `inTransaction` rolls it back as after any error.
 * - It is the work's last step. A statement after it is refused unsent (it would run outside the
 *   transaction); an error thrown after it cannot undo what it committed.
 * - `statement` makes one statement: a second one would find the transaction committed, and is
 *   refused. One that makes none (an empty batch of rows) leaves the commit to TypeORM, as usual.
 *
 * Elsewhere — SQLite, a nested transaction (a savepoint), pg-native — `statement` runs as any other
 * and the transaction commits when the work returns, with the same outcome.
 *
 * @throws Error when `manager` is not in a transaction.
 */
export async function commitWith<T>(manager: EntityManager, statement: () => Promise<T>): Promise<T> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('commitWith runs inside a transaction (see inTransaction)');
  // Only the outermost transaction: a COMMIT inside a savepoint would end the transaction around it.
  const depth = (runner as unknown as { transactionDepth?: unknown }).transactionDepth;
  if (manager.connection.options.type !== 'postgres' || depth !== 1) return statement();
  const client = (await runner.connect()) as PgClient;
  commitWithNextStatement(client);
  try {
    return await statement();
  } finally {
    // Unused (no statement was made, or it failed before one was): the commit goes as TypeORM sends it.
    forgetCommitRequest(client);
  }
}
