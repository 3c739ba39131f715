/**
 * The text TypeORM's PostgreSQL query runner sends to open a transaction (a nested one is a
 * `SAVEPOINT`, which is sent as it is).
 */
export const TRANSACTION_START = 'START TRANSACTION';

/** The text TypeORM's PostgreSQL query runner sends to commit a transaction that is not nested. */
export const TRANSACTION_COMMIT = 'COMMIT';

/** node-postgres's connection, as far as a query writes to it. */
export interface PgConnection {
  stream: { cork?(): void; uncork?(): void; destroy(): void };
  parsedStatements: Record<string, string | undefined>;
  submittedNamedStatements: Record<string, string | undefined>;
  parse(message: { text: string; name: string; types?: unknown }): void;
  bind(message: { portal: string; statement: string; values: unknown[] }): void;
  execute(message: { portal: string; rows: number | undefined }): void;
  sync(): void;
}

/** What node-postgres's `Query` is constructed from, as used here. */
export interface PgQueryConfig {
  text: string;
  name?: string;
  values?: unknown[];
  queryMode?: 'extended';
}

/** node-postgres's `Query`, as far as it is used here. */
export interface PgQuery {
  text: string;
  name?: string;
  values?: unknown[];
  types?: unknown;
  portal?: string;
  callback?: (error: Error | null, result?: unknown) => void;
  hasBeenParsed(connection: PgConnection): boolean;
  prepare(connection: PgConnection): void;
  submit(connection: PgConnection): Error | null;
  /** Writes Execute and Sync once the statement is bound; what a commit rides on (see below). */
  _getRows?(connection: PgConnection, rows: number | undefined): void;
}

/** node-postgres's `Query` class (`Client.Query`). */
export type PgQueryClass = new (config: PgQueryConfig) => PgQuery;

/** A statement and what goes with it in its batch (see {@link statementBatchClass}). */
export interface BatchConfig extends PgQueryConfig {
  /** `START TRANSACTION` goes ahead of the statement. */
  startsTransaction: boolean;
  /** `COMMIT` goes after the statement; it runs only if the statement succeeded. */
  commits: boolean;
}

/** A {@link statementBatchClass}'s instances. */
export interface PgBatchQuery extends PgQuery {
  readonly startsTransaction: boolean;
  readonly commits: boolean;
}

/** The class {@link statementBatchClass} answers. */
export type PgBatchQueryClass = new (config: BatchConfig) => PgBatchQuery;

const subclasses = new WeakMap<PgQueryClass, PgBatchQueryClass | null>();

/**
 * A subclass of node-postgres's `Query` that writes a statement together with the start of its
 * transaction, its commit, or both, in one message batch before one Sync: one write, one round
 * trip, where TypeORM waits for the server's answer to each in turn. The server does the same
 * either way: a transaction takes its snapshot and its locks at its first statement, not at
 * `START TRANSACTION`; and after a failed statement the server skips everything up to the Sync,
 * the commit included, leaving the transaction aborted exactly as if the commit had never been
 * sent (the caller then rolls it back as usual).
 *
 * Answers `undefined` when this version of node-postgres lacks the method a commit is written from.
 *
 * Why by hand: node-postgres sends one query per round trip (its pipeline mode sends queries
 * without waiting, but still one write and one Sync each) and has no way to prefix or suffix one;
 * the extended protocol allows several statements before one Sync, which is what this writes.
 */
export function statementBatchClass(Query: PgQueryClass): PgBatchQueryClass | undefined {
  let subclass = subclasses.get(Query);
  if (subclass === undefined) {
    subclass = typeof Query.prototype._getRows === 'function' ? defineSubclass(Query) : null;
    subclasses.set(Query, subclass);
  }
  return subclass ?? undefined;
}

function defineSubclass(Query: PgQueryClass): PgBatchQueryClass {
  return class StatementBatch extends Query {
    readonly startsTransaction: boolean;
    readonly commits: boolean;

    constructor({ startsTransaction, commits, ...config }: BatchConfig) {
      // Extended protocol even without values: the statements go before one Sync.
      super({ ...config, queryMode: 'extended' });
      this.startsTransaction = startsTransaction;
      this.commits = commits;
    }

    override submit(connection: PgConnection): Error | null {
      // node-postgres's own refusals, checked before anything is written: once the start is on
      // the wire, refusing would leave it there without its Sync.
      const previous = this.name
        ? (connection.parsedStatements[this.name] ?? connection.submittedNamedStatements[this.name])
        : undefined;
      if (previous !== undefined && previous !== this.text)
        return new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`);
      if (this.values !== undefined && !Array.isArray(this.values)) return new Error('Query values must be an array');
      connection.stream.cork?.();
      try {
        if (this.startsTransaction) {
          // A named statement is parsed before the start: node-postgres marks the active query's name
          // as parsed at every ParseComplete, so the start's ParseComplete must not come first — had
          // the statement's Parse then failed, the name would stay marked and never be parsed again.
          // Parsing runs nothing; the transaction still starts before the statement runs.
          if (this.name && !this.hasBeenParsed(connection)) {
            connection.parse({ text: this.text, name: this.name, types: this.types });
            connection.submittedNamedStatements[this.name] = this.text;
          }
          writeUnnamed(connection, TRANSACTION_START);
        }
        // The statement as node-postgres writes it: Parse of an unnamed statement, Bind, Describe,
        // then Execute and Sync (`_getRows`, below).
        this.prepare(connection);
      } finally {
        connection.stream.uncork?.();
      }
      return null;
    }

    override _getRows(connection: PgConnection, rows: number | undefined): void {
      if (!this.commits) return super._getRows!(connection, rows);
      connection.execute({ portal: this.portal ?? '', rows });
      writeUnnamed(connection, TRANSACTION_COMMIT);
      connection.sync();
    }
  };
}

/** Parse, Bind and Execute of a statement without values or rows, unnamed. */
function writeUnnamed(connection: PgConnection, text: string): void {
  connection.parse({ text, name: '', types: [] });
  connection.bind({ portal: '', statement: '', values: [] });
  connection.execute({ portal: '', rows: 0 });
}

/**
 * The statement's result from what a {@link statementBatchClass} query is answered: node-postgres
 * gives the results of several statements as an array, in the order they ran.
 *
 * @throws Error when the batch carried a commit and the answer holds no `COMMIT` after the statement:
 * the caller must not take the transaction for committed.
 */
export function statementResultOf(batch: PgBatchQuery, results: unknown): unknown {
  const all = Array.isArray(results) ? results : [results];
  const statement = all[batch.startsTransaction ? 1 : 0];
  if (batch.commits && (all.length < 2 || (all.at(-1) as { command?: unknown }).command !== TRANSACTION_COMMIT))
    throw new Error("The commit sent with the transaction's last statement was not confirmed by the server");
  return statement;
}
