import { Logger } from '@nestjs/common';
import type { Inbox } from './inbox.js';

/**
 * Keeps a module's inbox to its retention while the app runs: every `pruneEveryMs` it deletes the
 * entries older than `retentionMs` ({@link Inbox.forget}). Without it the inbox keeps a row per
 * event the module ever consumed. A failed prune (the database away) is logged and tried again at
 * the next interval; the app goes on.
 */
export class InboxRetention {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private pruning?: Promise<void>;
  private stopping = new AbortController();
  private indexChecked = false;

  constructor(
    private readonly inbox: Inbox,
    module: string,
    private readonly now: () => number = Date.now,
  ) {
    this.logger = new Logger(`${module} inbox`);
  }

  /** Prunes now and then every `pruneEveryMs`, until {@link stop}. */
  start(): void {
    if (this.timer) return;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    // Unref'd: a prune pending never keeps a process alive that has nothing else to do.
    this.timer = setInterval(() => void this.prune(), this.inbox.retention.pruneEveryMs).unref();
    void this.prune();
  }

  /**
   * Stops pruning: a prune under way stops after its current slice (a walk of a large inbox must
   * not hold up a shutdown), and is waited for — the database must still be open for it.
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
    const before = new Date(this.now() - this.inbox.retention.retentionMs);
    try {
      if (!this.indexChecked) {
        const indexed = await this.inbox.prunesByIndex();
        this.indexChecked = true;
        if (!indexed) {
          this.logger.warn(
            'The inbox has no index on received_at: every prune reads all of it. Add a migration that calls createInboxReceivedAtIndex (@seam/messaging).',
          );
        }
      }
      const forgotten = await this.inbox.forget(before, this.stopping.signal);
      if (forgotten > 0) this.logger.log(`Forgot ${forgotten} inbox entries received before ${before.toISOString()}`);
    } catch (error) {
      this.logger.warn(`Inbox entries not pruned, will try again: ${(error as Error).message}`);
    }
  }
}
