import {
  type PgBatchQuery,
  type PgQueryClass,
  statementBatchClass,
  statementResultOf,
  TRANSACTION_COMMIT,
  TRANSACTION_START,
} from './statement-batch.js';

/** The pg pool's client, as far as it is used here. */
export interface PgClient {
  query(...args: unknown[]): unknown;
}

/** What `client.query` is watched for (see {@link watchQueriesOf}). */
interface ClientState {
  /** TypeORM asked for `START TRANSACTION`; it goes with the next statement. */
  startPending: boolean;
  /** The next statement is the transaction's last: `COMMIT` goes with it (see {@link commitWithNextStatement}). */
  commitNext: boolean;
  /** The transaction was committed with its last statement; TypeORM's `COMMIT` is answered here. */
  committed: boolean;
  /** Whether this client can write batches (not pg-native, a node-postgres that has `_getRows`). */
  batches: boolean;
}

const states = new WeakMap<PgClient, ClientState>();

/**
 * SQLSTATE of "cached plan must not change result type": a schema change (another replica's
 * migration, say) altered the columns a prepared statement returns, and PostgreSQL refuses to run
 * it again under that name on that connection.
 */
const STALE_PLAN = '0A000';

/**
 * Gives a pooled client a `query` that (1) sends the texts `names` holds under their names (see
 * `namedStatement`), (2) holds TypeORM's `START TRANSACTION` back until the transaction's first
 * statement and sends both in one round trip, and (3) sends `COMMIT` with a statement marked as the
 * transaction's last (see {@link commitWithNextStatement}), answering TypeORM's own `COMMIT` after
 * it without a round trip (both through `statementBatchClass`). A transaction of an order's path is
 * three to six statements, so its start was a sixth of an order's round trips, each a write and a
 * read on both sides (in a pg-only probe, a transaction of two inserts from 16 connections took
 * 10–35% less CPU with its start sent this way). A transaction committed or rolled back before any
 * statement sends nothing at all.
 * Anything else (callbacks, cursors, streams) goes as it came, after a start still held back.
 */
export function watchQueriesOf(client: PgClient, names: ReadonlyMap<string, string>): void {
  if (states.has(client)) return;
  // pg-native's client has no Query class to extend: its transactions start and end as TypeORM sends them.
  const Query = (client as unknown as { constructor: { Query?: PgQueryClass } }).constructor.Query;
  const Batch = Query && statementBatchClass(Query);
  const state: ClientState = { startPending: false, commitNext: false, committed: false, batches: Boolean(Batch) };
  states.set(client, state);
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  // A statement gone stale fails once on each connection that had prepared it; that connection then
  // prepares it again under a new name (node-postgres keeps no way to forget one it has parsed).
  const renamed = new Map<string, string>();
  let renames = 0;
  const renameWhenStale = (text: string, name: string | undefined) => (error: unknown) => {
    if (name && (error as { code?: unknown } | null)?.code === STALE_PLAN) renamed.set(text, `${name}_${++renames}`);
    throw error;
  };

  client.query = (...args: unknown[]) => {
    const [text, values, callback] = args;
    if (state.committed) return afterCommit(text, values);
    const commits = state.commitNext;
    state.commitNext = false;
    if (typeof text !== 'string' || callback !== undefined || (values !== undefined && !Array.isArray(values))) {
      // Not a statement this can batch: it runs alone, and TypeORM's COMMIT goes as sent.
      if (state.startPending) sendHeldStart();
      return query(...args);
    }
    const noValues = values === undefined || values.length === 0;
    const ends = endsTransaction(text, values);
    if (Batch && text === TRANSACTION_START && noValues && !state.startPending) {
      state.startPending = true;
      return Promise.resolve(emptyResult('START'));
    }
    const name = renamed.get(text) ?? names.get(text);
    const startsTransaction = state.startPending;
    state.startPending = false;
    // Nothing ran in it: there is nothing to end.
    if (startsTransaction && ends) return Promise.resolve(emptyResult(text));
    if (Batch && (startsTransaction || (commits && !ends))) {
      const batch = new Batch({ text, values, ...(name ? { name } : {}), startsTransaction, commits });
      return sendBatch(batch).catch(renameWhenStale(text, name));
    }
    if (!name) return query(...args);
    return (query({ name, text, values }) as Promise<unknown>).catch(renameWhenStale(text, name));
  };

  function sendBatch(batch: PgBatchQuery): Promise<unknown> {
    return new Promise((resolve, reject) => {
      batch.callback = (error, results) => {
        if (error) return reject(error);
        try {
          const result = statementResultOf(batch, results);
          if (batch.commits) state.committed = true;
          resolve(result);
        } catch (unconfirmed) {
          reject(unconfirmed as Error);
        }
      };
      query(batch);
    });
  }

  /**
   * The transaction is over on the server. TypeORM's COMMIT is answered as sent; a ROLLBACK too
   * (what the work did is committed: `commitWithNextStatement` asks for nothing to fail after it);
   * any other statement is refused unsent, as it would run outside the transaction it was written for.
   */
  function afterCommit(text: unknown, values: unknown): Promise<unknown> {
    if (endsTransaction(text, values)) {
      state.committed = false;
      return Promise.resolve(emptyResult(text as string));
    }
    return Promise.reject(
      new Error('The transaction was committed with its last statement (commitWith); no statement may follow it'),
    );
  }

  function sendHeldStart(): void {
    state.startPending = false;
    // Queued ahead of the call that follows. Should it fail, what follows must not run outside
    // the transaction it belongs to: the connection is closed, which fails every queued query.
    (query(TRANSACTION_START) as Promise<unknown>).catch(() => {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    });
  }
}

/**
 * Marks the next statement on `client` as its transaction's last: `COMMIT` is sent in the same
 * round trip, and runs only if the statement succeeds. Answers false, marking nothing, where the
 * client cannot (a client not watched by {@link watchQueriesOf}, pg-native): the commit then goes
 * as TypeORM sends it.
 */
export function commitWithNextStatement(client: PgClient): boolean {
  const state = states.get(client);
  if (!state?.batches) return false;
  state.commitNext = true;
  return true;
}

/** Withdraws a {@link commitWithNextStatement} not used yet; a commit already made stays made. */
export function forgetCommitRequest(client: PgClient): void {
  const state = states.get(client);
  if (state) state.commitNext = false;
}

/**
 * Forgets what is held for a client's transaction when it goes back to the pool — a start not sent
 * (the server has no transaction, and the next user of the connection must not start one unasked),
 * a commit asked for and not used, a commit already made.
 */
export function forgetHeldTransaction(client: PgClient): void {
  const state = states.get(client);
  if (!state) return;
  state.startPending = false;
  state.commitNext = false;
  state.committed = false;
}

/** Whether a call is TypeORM's `COMMIT` or `ROLLBACK` of a transaction (not of a savepoint). */
function endsTransaction(text: unknown, values: unknown): boolean {
  const noValues = values === undefined || (Array.isArray(values) && values.length === 0);
  return noValues && (text === TRANSACTION_COMMIT || text === 'ROLLBACK');
}

/** What node-postgres answers for a statement that returns no rows. */
function emptyResult(command: string): { command: string; rowCount: null; rows: never[]; fields: never[] } {
  return { command, rowCount: null, rows: [], fields: [] };
}
