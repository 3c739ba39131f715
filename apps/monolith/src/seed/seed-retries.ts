import type { LoggerService } from '@nestjs/common';
import { DeadlineExceededError, UnavailableError } from '@seam/transport';

/** Runs one try of a step, e.g. in a call scope of its own (default: as it is). */
export type TryScope = (work: () => Promise<void>) => Promise<void>;

/** The waits between tries of a seed step that failed on a neighbour: 1 s, doubled each time, at most 30 s. */
export interface RetryDelays {
  firstMs: number;
  maxMs: number;
}

/** The seed's waits: a neighbour coming up takes seconds; one that is down for long is asked twice a minute. */
export const SEED_RETRY_DELAYS: RetryDelays = { firstMs: 1_000, maxMs: 30_000 };

/** Thrown by {@link SeedRetries.checkRunning} once the retries are stopped: the step ends where it is. */
export class SeedStoppedError extends Error {
  constructor() {
    super('The app is shutting down: seeding stopped');
    this.name = 'SeedStoppedError';
  }
}

/**
 * Whether a failed step may succeed later unchanged: a neighbour that is not up yet, or too slow
 * to answer in time. Anything else (a refused request, a mesh key that does not verify) would fail
 * the same way again.
 */
export const worthRetrying = (error: unknown) =>
  error instanceof UnavailableError || error instanceof DeadlineExceededError;

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Runs the seed's steps: each step once, awaited, then — when it failed on a neighbour (see
 * {@link worthRetrying}) — again in the background, with a doubling wait, until it succeeds or
 * {@link stop} is called. One warning line per failed try; a refusal is logged as an error and
 * not tried again. A step must be idempotent: a try may fail after part of its work was done.
 */
export class SeedRetries {
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The steps not done yet that are still being tried. */
  private readonly pending = new Set<string>();

  constructor(
    private readonly logger: LoggerService,
    /** Wraps each try, its log lines included. */
    private readonly scope: TryScope = (work) => work(),
    private readonly delays: RetryDelays = SEED_RETRY_DELAYS,
  ) {}

  /**
   * Tries `work` once and resolves when that try has settled (never rejects); a retryable failure
   * schedules the next try and returns.
   */
  run(what: string, work: () => Promise<void>): Promise<void> {
    return this.attempt(what, work, 1, this.delays.firstMs);
  }

  /** Throws {@link SeedStoppedError} once stopped: a step calls it before each call to a neighbour. */
  checkRunning(): void {
    if (this.stopped) throw new SeedStoppedError();
  }

  /**
   * No further try, at once: the pending waits are cancelled (no timer is left to keep the process
   * alive) and a try in flight makes no further call ({@link checkRunning}); the call it is waiting
   * on fails when the transport closes, and that failure is not logged. Says which steps are left
   * undone. Synchronous: nothing here waits for a neighbour.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.pending.size > 0)
      this.logger.warn(`Shutting down before ${[...this.pending].join(' and ')} could be seeded: stopped trying`);
  }

  private attempt(what: string, work: () => Promise<void>, tries: number, delayMs: number): Promise<void> {
    return this.scope(() => this.tryOnce(what, work, tries, delayMs));
  }

  private async tryOnce(what: string, work: () => Promise<void>, tries: number, delayMs: number): Promise<void> {
    try {
      await work();
      this.pending.delete(what);
    } catch (error) {
      if (this.stopped) return;
      if (!worthRetrying(error)) {
        this.pending.delete(what);
        this.logger.error(`Could not seed ${what}: ${describe(error)}`);
        return;
      }
      this.pending.add(what);
      this.logger.warn(
        `Could not seed ${what} (try ${tries}): ${describe(error)}; trying again in ${delayMs / 1_000} s`,
      );
      this.schedule(what, work, tries + 1, delayMs);
    }
  }

  private schedule(what: string, work: () => Promise<void>, tries: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      void this.attempt(what, work, tries, Math.min(delayMs * 2, this.delays.maxMs));
    }, delayMs);
    this.timers.add(timer);
  }
}
