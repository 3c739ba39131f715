import { Logger } from '@nestjs/common';
import type { Inbox } from './inbox.js';
import { PeriodicPrune } from './periodic-prune.js';

/**
 * Keeps a module's inbox to its retention while the app runs: every `pruneEveryMs` it deletes the
 * entries older than `retentionMs` ({@link Inbox.forget}), as a {@link PeriodicPrune}. Without it
 * the inbox keeps a row per event the module ever consumed. A failed prune (the database away) is
 * logged and tried again at the next interval; the app goes on.
 */
export class InboxRetention {
  private readonly schedule: PeriodicPrune;
  private readonly logger: Logger;
  private indexChecked = false;

  constructor(
    private readonly inbox: Inbox,
    module: string,
    now: () => number = Date.now,
  ) {
    this.logger = new Logger(`${module} inbox`);
    const { retentionMs, pruneEveryMs } = inbox.retention;
    this.schedule = new PeriodicPrune(
      {
        rows: 'inbox entries',
        age: 'received',
        retentionMs,
        everyMs: pruneEveryMs,
        forget: (before, signal) => this.forget(before, signal),
      },
      this.logger,
      now,
    );
  }

  /** Prunes now and then every `pruneEveryMs`, until {@link stop}. */
  start(): void {
    this.schedule.start();
  }

  /**
   * Stops pruning: a prune under way stops after its current slice (a walk of a large inbox must
   * not hold up a shutdown), and is waited for — the database must still be open for it.
   */
  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One prune, unless one is already under way; answers when it is done (never rejects). */
  prune(): Promise<void> {
    return this.schedule.prune();
  }

  private async forget(before: Date, signal: AbortSignal): Promise<number> {
    if (!this.indexChecked) {
      const indexed = await this.inbox.prunesByIndex();
      this.indexChecked = true;
      if (!indexed) {
        this.logger.warn(
          'The inbox has no index on received_at: every prune reads all of it. Add a migration that calls createInboxReceivedAtIndex (@seam/messaging).',
        );
      }
    }
    return this.inbox.forget(before, signal);
  }
}
