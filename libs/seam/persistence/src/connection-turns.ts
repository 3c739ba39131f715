import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';

/** The transactions whose work the running code is part of (a token each; one per DataSource at most). */
const scope = new AsyncLocalStorage<ReadonlySet<object>>();

/**
 * Captures the transactions the calling code is part of, for code that must run in another async
 * context (a caller's, restored with `AsyncLocalStorage.snapshot()`) and still use their connection:
 * on SQLite a query from outside a transaction's async flow waits for its end, so such code would
 * wait for the transaction it runs in. Answers a function that runs `work` as part of them.
 */
export function captureTransactionScope(): <T>(work: () => T) => T {
  const tokens = scope.getStore();
  if (!tokens) return (work) => work();
  // Added to the running code's own: it may be part of transactions of other DataSources too.
  return (work) => scope.run(new Set([...(scope.getStore() ?? []), ...tokens]), work);
}

/**
 * Whether the calling code is part of a transaction of `dataSource` that `inTransaction` opened
 * and that still holds its connection (SQLite only: on PostgreSQL every transaction has its own
 * pooled connection, and code may always begin another).
 */
export function insideTransactionOf(dataSource: DataSource): boolean {
  return turnsByDataSource.get(dataSource)?.isCurrent() === true;
}

const turnsByDataSource = new WeakMap<DataSource, ConnectionTurns>();
const prepared = new WeakSet<QueryRunner>();

/**
 * Who may use a SQLite DataSource's one connection. better-sqlite3 gives a DataSource one
 * connection and TypeORM one query runner over it, which every query shares: a transaction open on
 * it takes in whatever else is sent meanwhile, uncommitted rows visible, writes rolled back with it.
 * So the connection is lent in turns, first come, first served. A transaction's turn lasts from its
 * BEGIN to its COMMIT or ROLLBACK; a query made meanwhile by anything but its work waits its turn,
 * after that transaction and before any transaction queued after the query. With no turn running or
 * waiting, a query runs at once, and a transaction begins only after such queries have finished.
 */
export class ConnectionTurns {
  private tail: Promise<unknown> = Promise.resolve();
  /** Turns running or waiting. */
  private turns = 0;
  /** The token of the `inTransaction` transaction whose turn it is, until its COMMIT or ROLLBACK is done. */
  private current?: object;
  /** Ends the turn of a transaction TypeORM began itself, when one holds the connection. */
  private endForeign?: () => void;
  /** Queries that ran at once and have not finished yet. */
  private running = 0;
  private whenNoneRunning?: () => void;

  private constructor(private readonly dataSource: DataSource) {}

  /** The turns of `dataSource` (a better-sqlite3 one), its runner prepared. */
  static of(dataSource: DataSource): ConnectionTurns {
    let turns = turnsByDataSource.get(dataSource);
    if (!turns) turnsByDataSource.set(dataSource, (turns = new ConnectionTurns(dataSource)));
    turns.runner();
    return turns;
  }

  /**
   * The DataSource's query runner, its queries taking turns. TypeORM hands out one runner per
   * DataSource, so it is changed once and remembered: changed on every transaction, it would stack
   * one wrapper per transaction ever run, each query slower than the last.
   */
  runner(): QueryRunner {
    const runner = this.dataSource.createQueryRunner();
    if (!prepared.has(runner)) {
      this.prepare(runner);
      prepared.add(runner);
      if (runner.isTransactionActive) this.adoptForeign();
    }
    return runner;
  }

  /**
   * Runs `transaction` (which begins, works and ends a transaction on {@link runner}) in its turn.
   * Every query made in its async flow is its own and runs at once: through its manager or not,
   * and also by work it starts without awaiting, while its turn lasts.
   *
   * @throws Error (as a rejection) when called from the work of this DataSource's current
   * transaction: on one connection it could only nest in it, and queued it would wait for itself.
   */
  transaction<T>(transaction: () => Promise<T>): Promise<T> {
    if (this.isCurrent()) {
      return Promise.reject(
        new Error(
          'inTransaction was called inside a transaction of the same DataSource: on SQLite it would wait for itself. Pass the manager down instead.',
        ),
      );
    }
    return this.take(async () => {
      const token = {};
      this.current = token;
      try {
        return await scope.run(new Set([...(scope.getStore() ?? []), token]), transaction);
      } finally {
        this.current = undefined;
      }
    });
  }

  private prepare(runner: QueryRunner): void {
    const query = runner.query.bind(runner) as (sql: string, ...rest: unknown[]) => Promise<unknown>;
    runner.query = ((sql: string, ...rest: unknown[]) => {
      // BEGIN IMMEDIATE: see immediateTransaction.
      const run = () => query(sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql, ...rest);
      if (this.isCurrent()) return run();
      // During a transaction TypeORM began itself, its queries cannot be told from others': all run.
      if (this.turns === 0 || this.endForeign) return this.atOnce(run);
      return this.take(run);
    }) as typeof runner.query;

    const start = runner.startTransaction.bind(runner);
    const begin = async (isolation?: Parameters<QueryRunner['startTransaction']>[0]) => {
      try {
        await start(isolation);
      } catch (error) {
        // BEGIN failed (the lock stayed busy past the busy timeout): TypeORM marked a transaction
        // active before it ran BEGIN. Undo that mark, or the runner would refuse every later one.
        if ((runner as unknown as { transactionDepth: number }).transactionDepth === 0)
          (runner as { isTransactionActive: boolean }).isTransactionActive = false;
        throw error;
      }
    };
    // inTransaction's own, or a savepoint in the TypeORM transaction that holds the connection, begin
    // at once; any other is a transaction TypeORM opens itself, and waits for a turn.
    runner.startTransaction = (isolation) =>
      this.isCurrent() || this.endForeign ? begin(isolation) : this.foreignTransaction(() => begin(isolation));

    for (const end of ['commitTransaction', 'rollbackTransaction'] as const) {
      const original = runner[end].bind(runner);
      runner[end] = async () => {
        try {
          await original();
        } finally {
          if (this.endForeign && !runner.isTransactionActive) this.endForeign();
        }
      };
    }
  }

  /**
   * Begins a transaction TypeORM opens itself — `DataSource.transaction`, or `save()`/`remove()`
   * with no transaction open — in a turn of its own, which lasts until it commits or rolls back.
   */
  private foreignTransaction(begin: () => Promise<void>): Promise<void> {
    return new Promise<void>((began, failed) => {
      void this.take(
        () =>
          new Promise<void>((ended) => {
            this.endForeign = () => {
              this.endForeign = undefined;
              ended();
            };
            begin().then(began, (error: unknown) => {
              this.endForeign?.();
              failed(error);
            });
          }),
      );
    });
  }

  /** A transaction TypeORM began before the runner was prepared holds the connection until it ends. */
  private adoptForeign(): void {
    this.turns++;
    const turn = new Promise<void>((ended) => {
      this.endForeign = () => {
        this.endForeign = undefined;
        ended();
      };
    });
    this.tail = this.tail.then(() => turn).then(this.left);
  }

  /** Whether the calling code is part of the transaction whose turn it is. */
  isCurrent(): boolean {
    return this.current !== undefined && scope.getStore()?.has(this.current) === true;
  }

  /** Queues `task` (FIFO); it starts once the turns before it have ended and no query runs beside. */
  private take<T>(task: () => Promise<T>): Promise<T> {
    this.turns++;
    const turn = this.tail.then(() => this.noneRunning()).then(() => task());
    this.tail = turn.then(this.left, this.left);
    return turn;
  }

  private readonly left = () => {
    this.turns--;
  };

  private atOnce<T>(query: () => Promise<T>): Promise<T> {
    this.running++;
    const result = query();
    result.then(this.finished, this.finished);
    return result;
  }

  private readonly finished = () => {
    if (--this.running === 0) this.whenNoneRunning?.();
  };

  private noneRunning(): Promise<void> | undefined {
    if (this.running === 0) return undefined;
    return new Promise<void>((resolve) => {
      this.whenNoneRunning = () => {
        this.whenNoneRunning = undefined;
        resolve();
      };
    });
  }
}
