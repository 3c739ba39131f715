import type { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';

/** What a {@link PeriodicPrune} keeps to its retention. */
export interface PruneJob {
  /** What the rows are, plural, for log lines: `inbox entries`, `idempotency keys`. */
  readonly rows: string;
  /** How the rows' age is told, for log lines: `received`, `last written`. */
  readonly age: string;
  /** How long a row is kept, in ms. */
  readonly retentionMs: number;
  /** How often the older rows are deleted, in ms (while the app runs). */
  readonly everyMs: number;
  /**
   * Deletes the rows older than `before`, in bounded slices, and answers how many. Stops after the
   * slice under way once `signal` is aborted (the app is stopping). Safe to run from several
   * replicas at once.
   */
  forget(before: Date, signal: AbortSignal): Promise<number>;
}

/**
 * Keeps a table to its retention while the app runs: at start and then every `everyMs` it deletes
 * the rows older than `retentionMs` ({@link PruneJob.forget}). One prune at a time per instance;
 * every replica runs its own, the job's slices keeping them apart. A failed prune (the database
 * away) is logged and tried again at the next interval; the app goes on.
 */
export class PeriodicPrune {
  private timer?: NodeJS.Timeout;
  private pruning?: Promise<void>;
  private stopping = new AbortController();

  constructor(
    private readonly job: PruneJob,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Prunes now and then every `everyMs`, until {@link stop}. */
  start(): void {
    if (this.timer) return;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    // Unref'd: a prune pending never keeps a process alive that has nothing else to do.
    this.timer = setInterval(() => void this.prune(), this.job.everyMs).unref();
    void this.prune();
  }

  /**
   * Stops pruning: a prune under way stops after its current slice (a large backlog must not hold
   * up a shutdown), and is waited for — the database must still be open for it.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.pruning;
  }

  /** One prune, unless one is already under way; answers when it is done (never rejects). */
  prune(): Promise<void> {
    this.pruning ??= this.forgetOld().finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  private async forgetOld(): Promise<void> {
    const { rows, age } = this.job;
    const before = new Date(this.now() - this.job.retentionMs);
    try {
      const forgotten = await this.job.forget(before, this.stopping.signal);
      if (forgotten > 0) this.logger.log(`Forgot ${forgotten} ${rows} ${age} before ${before.toISOString()}`);
    } catch (error) {
      const what = rows.charAt(0).toUpperCase() + rows.slice(1);
      this.logger.warn(`${what} not pruned, will try again: ${(error as Error).message}`);
    }
  }
}

/**
 * One table of a module kept to its retention, as a Nest provider: its {@link PeriodicPrune}
 * starts once the app has started and stops before the app shuts down, while the database is
 * still open. A module's provider extends it with the job (its injected data source and config).
 */
export abstract class RetainedTable implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly schedule: PeriodicPrune;

  protected constructor(job: PruneJob, logger: Logger) {
    this.schedule = new PeriodicPrune(job, logger);
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** One prune, or the one under way; answers when it is done (never rejects). */
  prune(): Promise<void> {
    return this.schedule.prune();
  }
}

/**
 * Runs `deleteSlice` (which deletes at most `sliceSize` rows and answers how many) until a slice
 * comes back short — nothing old is left but what another replica's prune holds — or `signal` is
 * aborted; answers the total. Each slice is its own statement or transaction, so a large backlog
 * never holds a lock long, and the event loop turns between slices: SQLite's driver is
 * synchronous, and without a turn a prune would hold requests, timers and the relay until its end.
 */
export async function forgetInSlices(
  deleteSlice: () => Promise<number>,
  sliceSize: number,
  signal?: AbortSignal,
): Promise<number> {
  let forgotten = 0;
  for (;;) {
    const deleted = await deleteSlice();
    forgotten += deleted;
    await new Promise((resolve) => setImmediate(resolve));
    if (deleted < sliceSize || signal?.aborted) return forgotten;
  }
}
