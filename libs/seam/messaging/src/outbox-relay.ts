import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { CallContext, deliveryEntry, ErrorCode, runInCallScope, type SeamClient } from '@seam/transport';
import { backoffDelay } from './backoff.js';
import { settlesBy } from './settles-by.js';
import type { ClaimedEvent, OutboxStore } from './outbox-store.js';
import type { RelayOptions } from './relay-options.js';
import type { SubscriberDirectory } from './subscriber-directory.js';

/** The relays running in this process (read by `/metrics`). */
const running = new Set<OutboxRelay>();

/** The relays running in this process, one per module whose messaging it hosts. */
export function runningRelays(): OutboxRelay[] {
  return [...running];
}

/** What a relay has done since it started (for metrics and tests). */
export interface RelayStats {
  delivered: number;
  retried: number;
  deadLettered: number;
}

/**
 * Delivers a module's outbox to every subscribing module, at least once — among the modules each
 * event's contract entry names (see {@link SubscriberDirectory}); an event none may take is done
 * at once. Claims due events, sends each to each subscriber that has not acknowledged it yet
 * (`<module>.$deliver`, answered
 * once the subscriber's handler — and so its inbox transaction — is done), removes the event when
 * all have, and otherwise retries it later with backoff, then dead-letters it after
 * `maxAttempts` (at once for an event a subscriber refuses as invalid: it can never succeed).
 *
 * Crash-safe by construction: the event stays in the outbox until every subscriber acknowledged
 * it, so a relay that dies at any point leaves it to be claimed again when its lease runs out.
 * Any number of relays may run (one per process hosting the module); claims keep them apart.
 */
export class OutboxRelay {
  /** This relay's name in claims. */
  readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly stats: RelayStats = { delivered: 0, retried: 0, deadLettered: 0 };
  private readonly logger: Logger;
  private running?: Promise<void>;
  private stopping = false;
  /** When (`performance.now()`) a stop waits no longer for the round in progress, if a limit was given. */
  private stopBy?: number;
  /** A stop gave up waiting for the round in progress: what that round fails to record is expected. */
  private cutShort = false;
  private wakeUp?: () => void;
  private woken = false;
  /** The last sleep was cut short by an add: if its round finds nothing, the add's transaction may not have committed yet. */
  private afterWake = false;
  /** The last round claimed a whole batch: more are likely waiting. */
  private lastClaimFull = false;

  constructor(
    readonly module: string,
    private readonly store: OutboxStore,
    private readonly directory: SubscriberDirectory,
    private readonly seam: SeamClient,
    private readonly options: RelayOptions,
  ) {
    this.logger = new Logger(`${module} relay`);
  }

  /** Starts delivering in the background. */
  start(): void {
    if (this.running && !this.stopping) return;
    this.stopping = false;
    this.stopBy = undefined;
    this.cutShort = false;
    running.add(this);
    // A loop still in the round a stop gave up on goes on (it sees `stopping` cleared), or, if it
    // was already leaving, a new one follows it: one loop either way.
    const ending = this.running;
    this.running = ending ? ending.then(() => (this.stopping ? undefined : this.loop())) : this.loop();
  }

  /**
   * Stops: no round starts after this call, and the round in progress ends — its deliveries finish
   * or fail, and are recorded. Resolves once it has, or once `withinMs` have passed if given (the
   * earliest limit of overlapping calls holds for all of them: a process gives its relays the time
   * its shutdown can spare, then its modules stop them without a limit of their own).
   *
   * A round cut short loses nothing and applies nothing twice: its events stay in the outbox, held
   * by their claim until its lease (`leaseMs`) runs out; then a relay — of another replica, or of
   * this module's next start — claims and delivers them again, and a subscriber that had already
   * taken one answers it done without applying it again (its inbox knows the event id).
   */
  async stop(withinMs?: number): Promise<void> {
    this.stopping = true;
    running.delete(this);
    this.wake();
    const loop = this.running;
    if (!loop) return;
    if (withinMs !== undefined) this.stopBy = Math.min(this.stopBy ?? Infinity, performance.now() + withinMs);
    if (await settlesBy(loop, this.stopBy)) {
      if (this.running === loop) this.running = undefined;
    } else if (!this.cutShort) {
      this.cutShort = true;
      this.logger.warn(
        `Stopped during a round: its events stay in the outbox and are delivered again once their claim runs out (${this.options.leaseMs} ms)`,
      );
    }
  }

  /** Asks for a round soon (an event was just added). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Events in this module's outbox not yet delivered to every subscriber. */
  pendingCount(): Promise<number> {
    return this.store.pendingCount();
  }

  /** Events of this module in the dead-letter table, whichever process moved them there. */
  deadLetterCount(): Promise<number> {
    return this.store.deadLetterCount();
  }

  /**
   * One round: claims due events, delivers them, and removes those every subscriber acknowledged
   * in one statement. Answers how many it claimed.
   */
  async round(): Promise<number> {
    const eventsLikely = this.afterWake || this.lastClaimFull;
    const claimed = await this.store.claim(this.id, this.options.batchSize, this.options.leaseMs, { eventsLikely });
    this.lastClaimFull = claimed.length === this.options.batchSize;
    const outcomes = await Promise.all(claimed.map((event) => this.deliver(event)));
    const acknowledged = claimed.filter((_, index) => outcomes[index]);
    // Should this fail (database down), the events stay claimed until their lease runs out and
    // are delivered again: the subscribers' inboxes absorb the repeat.
    const completed = await this.store.complete(acknowledged, this.id);
    this.stats.delivered += completed;
    return claimed.length;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = await this.round();
        failures = 0;
      } catch (error) {
        // The database is unreachable or failing: nothing is lost (the events stay in the
        // outbox), so wait longer each time and go on.
        failures++;
        if (!this.cutShort && (failures === 1 || failures % 50 === 0))
          this.logger.warn(`Outbox round failed (${failures}×): ${(error as Error).message}`);
        await this.sleep(backoffDelay(failures, { baseMs: this.options.pollMs, maxMs: 5_000 }));
        continue;
      }
      if (claimed > 0 || !this.afterWake) this.afterWake = false;
      else {
        // Looked too early for the event that woke it: one more look once its commit is likely done.
        this.afterWake = false;
        await new Promise((resolve) => setTimeout(resolve, 30));
        continue;
      }
      if (claimed < this.options.batchSize) await this.sleep(this.options.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopping) {
      this.woken = false;
      this.afterWake = true;
      // An add wakes the relay before its transaction commits: give the commit a moment.
      return new Promise((resolve) => setTimeout(resolve, 5));
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = () => {
        this.woken = false;
        this.afterWake = true;
        clearTimeout(timer);
        setTimeout(finish, 5);
      };
    });
  }

  /** Delivers `event` to every subscriber that has not acknowledged it; answers whether all have now (else its failure is recorded). */
  private async deliver(event: ClaimedEvent): Promise<boolean> {
    const delivered = new Set(event.deliveredTo);
    const failures: string[] = [];
    let refused = false;
    try {
      if (event.attempts > this.options.maxAttempts) {
        // Claimed more often than it may be attempted, so claims ended without an outcome: their
        // relays stopped or died while delivering it. One that kills its process (a subscriber in
        // it running out of memory…) would otherwise be claimed again after every lease, for ever,
        // taking each replica down in turn. Its attempts are spent: it waits for an operator.
        await this.fail(
          event,
          [...delivered],
          `claimed ${event.attempts} times for ${this.options.maxAttempts} attempts: the relays that claimed it last stopped or died before recording an outcome`,
          true,
        );
        return false;
      }
      const subscribers = await this.directory.subscribersOf(event.pattern);
      for (const module of subscribers.unknown)
        failures.push(`${module}: could not learn its subscriptions (unreachable)`);
      await Promise.all(
        subscribers.modules
          .filter((module) => !delivered.has(module))
          .map(async (module) => {
            try {
              const receipt = await this.seam.send(
                deliveryEntry(module),
                this.envelope(event),
                this.callOptions(event),
              );
              delivered.add(module);
              if (!receipt.handled) this.directory.forget(module);
            } catch (error) {
              const { code, message } = error as { code?: string; message?: string };
              failures.push(`${module}: ${code ?? 'ERROR'}: ${message ?? String(error)}`);
              if (code === ErrorCode.Validation) refused = true;
            }
          }),
      );
      if (failures.length === 0) return true;
      // Failures after a stop gave up on the round may be the process's own closing (its clients
      // are closed under it): recorded, they would count against the event, even dead-letter it.
      // Left to the claim's lease instead, like those of a relay that died.
      if (this.cutShort) return false;
      await this.fail(event, [...delivered], failures.join('; '), refused);
    } catch (error) {
      // Recording the outcome failed (database down, or closed under a round a stop gave up on):
      // the claim runs out and the event is delivered again; consumers' inboxes absorb the repeat.
      if (!this.cutShort)
        this.logger.warn(
          `Event ${event.eventId} (${event.pattern}): outcome not recorded: ${(error as Error).message}`,
        );
    }
    return false;
  }

  private async fail(event: ClaimedEvent, delivered: string[], error: string, refused: boolean): Promise<void> {
    if (refused || event.attempts >= this.options.maxAttempts) {
      await this.store.deadLetter(event, this.id, delivered, error);
      this.stats.deadLettered++;
      this.inEventTrace(event, () =>
        this.logger.error(
          `Event ${event.eventId} (${event.pattern}, aggregate ${event.aggregateId}) dead-lettered after ${event.attempts} attempt(s): ${error}`,
        ),
      );
      return;
    }
    await this.store.retryLater(event, this.id, delivered, error, backoffDelay(event.attempts, this.options.backoff));
    this.stats.retried++;
    if (event.attempts === 1)
      this.inEventTrace(event, () =>
        this.logger.warn(`Event ${event.eventId} (${event.pattern}) not delivered yet, will retry: ${error}`),
      );
  }

  /**
   * Runs `log` in the event's own trace, so that its line carries the trace id (and module) of the
   * request that raised the event: a failed delivery is found by the request's id.
   */
  private inEventTrace(event: ClaimedEvent, log: () => void): void {
    runInCallScope(CallContext.root({ traceparent: event.traceparent, caller: this.module, budgetMs: 0 }), log);
  }

  private envelope(event: ClaimedEvent) {
    return {
      eventId: event.eventId,
      pattern: event.pattern,
      aggregateId: event.aggregateId,
      attempt: event.attempts,
      payload: event.payload,
    };
  }

  private callOptions(event: ClaimedEvent) {
    // The event's own trace: its delivery shows up under the call that raised it.
    const parent = CallContext.root({
      traceparent: event.traceparent,
      caller: this.module,
      budgetMs: this.options.deliveryTimeoutMs,
    });
    return { parent, timeoutMs: this.options.deliveryTimeoutMs };
  }
}
