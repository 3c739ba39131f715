import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { backoffDelay, reportSagaStates } from '@seam/messaging';
import { CallContext } from '@seam/transport';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { SagaStore } from '../infrastructure/saga.store.js';
import { OrderCalls } from '../order.calls.js';
import { resumePlacement } from './resume-placement.js';

/** How the recovery runs (tests shorten the pauses). */
export interface SagaRecoveryOptions {
  /** Pause between looks for abandoned sagas, in ms. */
  pollMs: number;
  /** How long one recovery holds a saga, in ms (well above the time its calls may take). */
  leaseMs: number;
  /** Deadline of each call a recovery makes, in ms. */
  callTimeoutMs: number;
}

/** Defaults: look every second, hold a saga 30 s, 2 s per call. */
export const DEFAULT_SAGA_RECOVERY: SagaRecoveryOptions = { pollMs: 1_000, leaseMs: 30_000, callTimeoutMs: 2_000 };

/**
 * Finishes placements whose driver is gone. The placing call holds its saga's lease for its own
 * deadline plus a margin; a saga still open after that — the process died mid-placement, or the
 * undo failed and is owed — is claimed here (any process hosting orders may run this; claims
 * keep them apart), resumed from what the order row says (see {@link resumePlacement}), and on
 * failure handed back for a later try with backoff. Every order so ends confirmed or rejected,
 * with nothing left held.
 */
@Injectable()
export class SagaRecovery implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  /** This recovery's name in claims. */
  readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  /** Sagas finished by this recovery since start. */
  recovered = 0;
  private readonly logger = new Logger('orders saga recovery');
  private options = DEFAULT_SAGA_RECOVERY;
  private timer?: NodeJS.Timeout;
  /** Sweeps under way, scheduled or called: stopping waits for each to end its saga in progress. */
  private readonly sweeps = new Set<Promise<number>>();
  /** Not scheduling sweeps: before start, and after stop. */
  private stopped = true;
  /** Set by stop: sweeps under way start no further saga, and new ones claim none. */
  private stopping = false;
  private unreport?: () => void;

  constructor(
    private readonly sagas: SagaStore,
    private readonly orders: OrderRepository,
    private readonly calls: OrderCalls,
  ) {}

  /** Changes the pauses (before start). */
  configure(options: Partial<SagaRecoveryOptions>): void {
    this.options = { ...this.options, ...options };
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.stopping = false;
    this.unreport = reportSagaStates({ module: 'orders', saga: 'place-order', count: () => this.sagas.countByState() });
    this.schedule();
  }

  /**
   * Stops sweeping as soon as the app starts closing — before Nest drains its HTTP server and its
   * Seam servers, which may take most of the shutdown budget — so that the saga in progress has
   * that time to finish, and the claims of the rest go back at once (see {@link onApplicationShutdown}).
   */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.stopping = true;
    clearTimeout(this.timer);
  }

  /**
   * Stops: no further sweep, and a sweep under way ends with its saga in progress, giving back
   * the claims of the sagas it has not started (see {@link sweep}). Resolves once that is done, so
   * a process stopping waits for at most one saga's recovery (its budget: `callTimeoutMs` × 4),
   * not for a whole sweep's.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    this.unreport?.();
    clearTimeout(this.timer);
    await Promise.allSettled(this.sweeps);
  }

  /**
   * One pass: claims abandoned sagas and resumes each in turn, renewing its claim just before (a
   * saga whose claim ran out meanwhile is skipped). Answers how many it finished. Once the
   * recovery is stopping it starts no further saga and gives back the claims of those it has not
   * started, for another replica to claim at once rather than after `leaseMs`.
   */
  sweep(): Promise<number> {
    const sweep = this.sweepClaimed();
    this.sweeps.add(sweep);
    const forget = (): void => void this.sweeps.delete(sweep);
    sweep.then(forget, forget);
    return sweep;
  }

  private async sweepClaimed(): Promise<number> {
    if (this.stopping) return 0;
    const claimed = await this.sagas.claimStale(this.id, 20, this.options.leaseMs);
    let finished = 0;
    for (const [index, { orderId, recoveries }] of claimed.entries()) {
      if (this.stopping) {
        await this.giveBack(claimed.slice(index).map((saga) => saga.orderId));
        break;
      }
      if (await this.recover(orderId, recoveries)) finished++;
    }
    this.recovered += finished;
    return finished;
  }

  private async giveBack(orderIds: string[]): Promise<void> {
    try {
      const givenBack = await this.sagas.giveBack(orderIds, this.id);
      this.logger.log(`Stopping: gave back ${givenBack.length} claimed saga(s) not started`);
    } catch (error) {
      // Nothing is lost: the claims run out after `leaseMs`, and then any recovery takes them.
      this.logger.warn(`Stopping: could not give back ${orderIds.length} claimed saga(s): ${(error as Error).message}`);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sweep()
        .catch((error: unknown) => this.logger.warn(`Sweep failed: ${(error as Error).message}`))
        .then(() => this.schedule());
    }, this.options.pollMs);
  }

  private async recover(orderId: string, recoveries: number): Promise<boolean> {
    try {
      // The sweep's claim may have run out while the sagas before this one were recovered, and
      // another recovery claimed and finished this one since: act only on a saga still ours.
      if (!(await this.sagas.renew(orderId, this.id, this.options.leaseMs))) {
        this.logger.log(`Order ${orderId}: no longer held by this recovery; left to its holder`);
        return false;
      }
      const stored = await this.orders.findById(orderId);
      if (!stored) throw new Error(`Order ${orderId} has a saga but no row`);
      const parent = CallContext.root({ caller: 'orders', budgetMs: this.options.callTimeoutMs * 4 });
      const next = await resumePlacement(this.calls, stored, { parent, timeoutMs: this.options.callTimeoutMs });
      if (next.closeOnly) await this.sagas.closeFinished(orderId, next.steps);
      else if (!(await this.orders.update(next.order, next.expected, next.event, next.steps)))
        throw new Error(`Order ${orderId} moved while being recovered`);
      this.logger.log(
        `Order ${orderId}: recovered as ${next.order.status} (${next.steps.map((step) => step.step).join(', ')})`,
      );
      return true;
    } catch (error) {
      const message = `${(error as { code?: string }).code ?? (error as Error).name}: ${(error as Error).message}`;
      this.logger.warn(`Order ${orderId}: recovery failed, will retry (${message})`);
      await this.sagas
        .retryLater(orderId, this.id, message, backoffDelay(recoveries, { baseMs: this.options.pollMs, maxMs: 60_000 }))
        .catch(() => undefined);
      return false;
    }
  }
}
