/**
 * The stages of a graceful shutdown, in the order they end, each with the share of the budget by
 * the end of which it must be done. What follows the last one (a fifth of the budget) is for
 * closing clients and databases: a stage that runs late takes time from the next one, never from
 * the databases, so that the process still exits by its signal with its data files closed.
 */
export const SHUTDOWN_STAGES = {
  /**
   * Work in flight: HTTP requests (their connections are closed at this point, answered or not)
   * and relay rounds (their deliveries are left to the lease of their claims).
   */
  work: 0.6,
  /** The Seam servers' drain of the calls they had taken (TCP, Redis). */
  servers: 0.8,
} as const;

/** One of {@link SHUTDOWN_STAGES}. */
export type ShutdownStage = keyof typeof SHUTDOWN_STAGES;

/**
 * The time one shutdown has, from the signal to the forced exit, shared by its stages: each stage
 * is given what is left of the time until its own end ({@link SHUTDOWN_STAGES}), so that one slow
 * stage cannot make the whole shutdown overrun. Immutable; reads a monotonic clock.
 */
export class ShutdownBudget {
  private readonly startedAt: number;

  /**
   * @param totalMs from now to the forced exit, in ms.
   * @param now a monotonic clock in ms (tests pass their own).
   * @throws RangeError when `totalMs` is not a positive integer.
   */
  constructor(
    readonly totalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(totalMs) || totalMs <= 0)
      throw new RangeError(`A shutdown budget must be a positive integer of ms, got ${totalMs}`);
    this.startedAt = now();
  }

  /** Ms left before the process is forced out (0 once it is due). */
  remainingMs(): number {
    return this.leftUntil(this.totalMs);
  }

  /** Ms `stage` may still take (0 once its end has passed). */
  remainingFor(stage: ShutdownStage): number {
    return this.leftUntil(Math.round(this.totalMs * SHUTDOWN_STAGES[stage]));
  }

  private leftUntil(offsetMs: number): number {
    return Math.max(0, Math.round(this.startedAt + offsetMs - this.now()));
  }
}
