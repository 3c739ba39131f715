/**
 * The text TypeORM's PostgreSQL query runner sends to open a transaction (a nested one is a
 * `SAVEPOINT`, which is sent as it is).
 */
export const TRANSACTION_START = 'START TRANSACTION';

/** node-postgres's connection, as far as a query writes to it. */
export interface PgConnection {
  stream: { cork?(): void; uncork?(): void; destroy(): void };
  parsedStatements: Record<string, string | undefined>;
  submittedNamedStatements: Record<string, string | undefined>;
  parse(message: { text: string; name: string; types?: unknown }): void;
  bind(message: { portal: string; statement: string; values: unknown[] }): void;
  execute(message: { portal: string; rows: number }): void;
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
  callback?: (error: Error | null, result?: unknown) => void;
  hasBeenParsed(connection: PgConnection): boolean;
  prepare(connection: PgConnection): void;
  submit(connection: PgConnection): Error | null;
}

/** node-postgres's `Query` class (`Client.Query`). */
export type PgQueryClass = new (config: PgQueryConfig) => PgQuery;

const subclasses = new WeakMap<PgQueryClass, PgQueryClass>();

/**
 * A subclass of node-postgres's `Query` that opens the transaction in the same message batch as
 * the statement: `START TRANSACTION` and the statement reach the server in one write and are
 * answered in one round trip, where TypeORM waits for the server's answer to `START TRANSACTION`
 * before it sends the first statement. The server does the same either way: a transaction takes
 * its snapshot and its locks at its first statement, not at `START TRANSACTION`, and a failing
 * statement leaves the transaction aborted exactly as it would after a separate start.
 *
 * The result is the statement's own (the start's is dropped). Why by hand: node-postgres sends one
 * query per round trip (its pipeline mode sends queries without waiting, but still one write and
 * one Sync each) and has no way to prefix one; the extended protocol allows several statements
 * before one Sync, which is what this writes.
 */
export function transactionStartingQuery(Query: PgQueryClass): PgQueryClass {
  let subclass = subclasses.get(Query);
  if (!subclass) {
    subclass = defineSubclass(Query);
    subclasses.set(Query, subclass);
  }
  return subclass;
}

function defineSubclass(Query: PgQueryClass): PgQueryClass {
  return class TransactionStartingQuery extends Query {
    constructor(config: PgQueryConfig) {
      // Extended protocol even without values: the start and the statement go before one Sync.
      super({ ...config, queryMode: 'extended' });
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
        // A named statement is parsed before the start: node-postgres marks the active query's name
        // as parsed at every ParseComplete, so the start's ParseComplete must not come first — had
        // the statement's Parse then failed, the name would stay marked and never be parsed again.
        // Parsing runs nothing; the transaction still starts before the statement runs.
        if (this.name && !this.hasBeenParsed(connection)) {
          connection.parse({ text: this.text, name: this.name, types: this.types });
          connection.submittedNamedStatements[this.name] = this.text;
        }
        connection.parse({ text: TRANSACTION_START, name: '', types: [] });
        connection.bind({ portal: '', statement: '', values: [] });
        connection.execute({ portal: '', rows: 0 });
        // The rest as node-postgres writes it: Parse of an unnamed statement, Bind, Describe, Execute, Sync.
        this.prepare(connection);
      } finally {
        connection.stream.uncork?.();
      }
      return null;
    }
  };
}

/**
 * The statement's result from what a {@link transactionStartingQuery} is answered: node-postgres
 * gives the results of several statements as an array, the start's first.
 */
export function statementResultOf(results: unknown): unknown {
  return Array.isArray(results) ? results.at(-1) : results;
}
