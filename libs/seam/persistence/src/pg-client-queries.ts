import {
  type PgQuery,
  type PgQueryClass,
  statementResultOf,
  TRANSACTION_START,
  transactionStartingQuery,
} from './transaction-start.js';

/** The pg pool's client, as far as it is used here. */
export interface PgClient {
  query(...args: unknown[]): unknown;
}

/** What `client.query` is watched for (see {@link watchQueriesOf}). */
interface ClientState {
  /** TypeORM asked for `START TRANSACTION`; it goes with the next statement. */
  startPending: boolean;
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
 * `namedStatement`) and (2) holds TypeORM's `START TRANSACTION` back until the transaction's first
 * statement and sends both in one round trip (see `transactionStartingQuery`): a transaction of an
 * order's path is three to six statements, so its start was a sixth of an order's round trips, each
 * a write and a read on both sides (in a pg-only probe, a transaction of two inserts from 16
 * connections took 10–35% less CPU with its start sent this way). A transaction committed or
 * rolled back before any statement sends nothing at all.
 * Anything else (callbacks, cursors, streams) goes as it came, after a start still held back.
 */
export function watchQueriesOf(client: PgClient, names: ReadonlyMap<string, string>): void {
  if (states.has(client)) return;
  const state: ClientState = { startPending: false };
  states.set(client, state);
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  // pg-native's client has no Query class to extend: its transactions start as TypeORM sends them.
  const Query = (client as unknown as { constructor: { Query?: PgQueryClass } }).constructor.Query;
  const StartingQuery = Query && transactionStartingQuery(Query);
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
    if (typeof text !== 'string' || callback !== undefined || (values !== undefined && !Array.isArray(values))) {
      if (state.startPending) sendHeldStart();
      return query(...args);
    }
    const noValues = values === undefined || values.length === 0;
    if (StartingQuery && text === TRANSACTION_START && noValues && !state.startPending) {
      state.startPending = true;
      return Promise.resolve(emptyResult('START'));
    }
    const name = renamed.get(text) ?? names.get(text);
    if (state.startPending) {
      state.startPending = false;
      // Nothing ran in it: there is nothing to end.
      if (noValues && (text === 'COMMIT' || text === 'ROLLBACK')) return Promise.resolve(emptyResult(text));
      return sendAfterStart(new StartingQuery!({ text, values, ...(name ? { name } : {}) })).catch(
        renameWhenStale(text, name),
      );
    }
    if (!name) return query(...args);
    return (query({ name, text, values }) as Promise<unknown>).catch(renameWhenStale(text, name));
  };

  function sendAfterStart(statement: PgQuery): Promise<unknown> {
    return new Promise((resolve, reject) => {
      statement.callback = (error, results) => (error ? reject(error) : resolve(statementResultOf(results)));
      query(statement);
    });
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
 * Forgets a start still held back when the client goes back to the pool: nothing was sent, so the
 * server has no transaction, and the next user of the connection must not start one unasked.
 */
export function forgetHeldStart(client: PgClient): void {
  const state = states.get(client);
  if (state) state.startPending = false;
}

/** What node-postgres answers for a statement that returns no rows. */
function emptyResult(command: string): { command: string; rowCount: null; rows: never[]; fields: never[] } {
  return { command, rowCount: null, rows: [], fields: [] };
}
