import { type Heartbeat, HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS } from './redis-keys.js';

/** What a client learns from heartbeats. */
export interface LivenessListener {
  /** `replica` of `module` stopped beating (killed, frozen or shut down). */
  replicaDied(module: string, replica: string): void;
  /** No replica of a watched `module` was heard since watching began (only with `expectHeartbeats`). */
  moduleSilent?(module: string): void;
}

/**
 * Tracks which replicas of each module are alive from their heartbeats. A replica is dead when
 * it said so or stayed silent longer than {@link HEARTBEAT_TIMEOUT_MS}; it comes back to life with
 * its next heartbeat.
 */
export class Liveness {
  private readonly lastSeen = new Map<string, Map<string, number>>();
  private readonly watchedSince = new Map<string, number>();
  private sweeper?: NodeJS.Timeout;

  /**
   * @param expectHeartbeats every server on this channel beats (Seam servers do; stock Nest
   * servers do not), so a watched module that stays silent has no live replica.
   */
  constructor(
    private readonly listener: LivenessListener,
    private readonly expectHeartbeats = false,
  ) {}

  /** Starts the silence clock of `module` (call once its heartbeat channel is subscribed). */
  watch(module: string): void {
    if (!this.watchedSince.has(module)) this.watchedSince.set(module, performance.now());
    if (this.expectHeartbeats) this.startSweeping();
  }

  /** Records a heartbeat (untrusted input: anything malformed is ignored). */
  observe(module: string, raw: string): void {
    let beat: Partial<Heartbeat>;
    try {
      beat = JSON.parse(raw) as Partial<Heartbeat>;
    } catch {
      return;
    }
    if (typeof beat?.replica !== 'string' || beat.replica.length > 200) return;
    const replicas = this.lastSeen.get(module) ?? new Map<string, number>();
    this.lastSeen.set(module, replicas);
    if (beat.state === 'down') {
      if (replicas.delete(beat.replica)) this.listener.replicaDied(module, beat.replica);
      return;
    }
    replicas.set(beat.replica, performance.now());
    this.startSweeping();
  }

  /** Whether `module` is known to have no live replica (false when nothing was ever heard). */
  isDown(module: string): boolean {
    const replicas = this.lastSeen.get(module);
    return replicas !== undefined && replicas.size === 0;
  }

  /** Stops the sweeper. */
  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Forgets every replica (e.g. after losing the broker connection: heartbeats were missed). */
  reset(): void {
    this.lastSeen.clear();
    const now = performance.now();
    for (const module of this.watchedSince.keys()) this.watchedSince.set(module, now);
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), HEARTBEAT_INTERVAL_MS / 2);
    this.sweeper.unref();
  }

  private sweep(): void {
    const deadline = performance.now() - HEARTBEAT_TIMEOUT_MS;
    if (this.expectHeartbeats) {
      for (const [module, since] of this.watchedSince) {
        if (this.lastSeen.has(module) || since >= deadline) continue;
        this.lastSeen.set(module, new Map());
        this.listener.moduleSilent?.(module);
      }
    }
    for (const [module, replicas] of this.lastSeen) {
      for (const [replica, seen] of replicas) {
        if (seen >= deadline) continue;
        replicas.delete(replica);
        this.listener.replicaDied(module, replica);
      }
    }
  }
}
