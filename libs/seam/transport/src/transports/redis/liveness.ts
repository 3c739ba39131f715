import { type Heartbeat, HEARTBEAT_INTERVAL_MS, redisKeys, SUSPECT_AFTER_MS } from './redis-keys.js';

/** What a client learns from heartbeats, once Redis has confirmed it. */
export interface LivenessListener {
  /** `replica` of `module` is gone: its process exited or lost its connection to Redis. */
  replicaDied(module: string, replica: string): void;
  /** No replica of a watched `module` is connected to Redis (only with `expectHeartbeats`). */
  moduleSilent?(module: string): void;
}

/**
 * Asks Redis how many connections subscribe to each channel (`PUBSUB NUMSUB`), in order. Rejects
 * when Redis cannot be asked; nothing is judged then.
 */
export type PresenceProbe = (channels: readonly string[]) => Promise<readonly number[]>;

/** Options of {@link Liveness}. */
export interface LivenessOptions {
  /**
   * Every server on this channel beats and keeps a presence subscription (Seam servers do; stock
   * Nest servers do not), so a watched module with no presence has no live replica.
   */
  expectHeartbeats?: boolean;
  /** Silence after which a replica is suspected and its presence checked (default {@link SUSPECT_AFTER_MS}). */
  suspectAfterMs?: number;
}

interface ReplicaState {
  lastSeen: number;
  checking: boolean;
}

interface SilentModule {
  since: number;
  checking: boolean;
}

/**
 * Tracks which replicas of each module are alive. Heartbeats only raise or clear suspicion; a
 * replica is declared dead only when Redis confirms it: every replica keeps a subscription to its
 * own presence channel, which Redis drops the moment the replica's connection closes (kill -9,
 * crash, lost network). A stalled event loop — the replica's or this observer's — delays
 * heartbeats but leaves the subscription in place, so a stall is never mistaken for a death; a
 * replica that hangs while connected is left to the call's own deadline. A forged or stale "down"
 * heartbeat is checked the same way.
 */
export class Liveness {
  private readonly replicas = new Map<string, Map<string, ReplicaState>>();
  private readonly silent = new Map<string, SilentModule>();
  private readonly down = new Set<string>();
  private readonly watched = new Set<string>();
  private readonly suspectAfterMs: number;
  private readonly expectHeartbeats: boolean;
  private sweeper?: NodeJS.Timeout;
  /** Bumped by {@link reset}: answers to probes sent before it are stale. */
  private epoch = 0;

  constructor(
    private readonly listener: LivenessListener,
    private readonly probe: PresenceProbe,
    options: LivenessOptions = {},
  ) {
    this.expectHeartbeats = options.expectHeartbeats ?? false;
    this.suspectAfterMs = options.suspectAfterMs ?? SUSPECT_AFTER_MS;
    if (!(this.suspectAfterMs > 0)) throw new RangeError(`suspectAfterMs must be positive, got ${this.suspectAfterMs}`);
  }

  /**
   * Starts the silence clock of `module` (call once its heartbeat channel is subscribed). Without
   * `expectHeartbeats`, the clock starts only if Redis shows a replica of it that keeps presence
   * (a Seam server, not a stock Nest one).
   */
  watch(module: string): void {
    if (this.watched.has(module)) return;
    this.watched.add(module);
    if (this.expectHeartbeats) return this.startSilenceClock(module, performance.now());
    const epoch = this.epoch;
    const asked = performance.now();
    this.probe([redisKeys.modulePresence(module)]).then(
      ([count]) => {
        if (epoch === this.epoch && count !== undefined && count > 0) this.startSilenceClock(module, asked);
      },
      () => undefined,
    );
  }

  /**
   * Replicas of `module` learnt some other way than by their heartbeat (e.g. the consumers of its
   * request stream): watched as if just heard, so that one that dies before this client hears it
   * is still found out.
   */
  seed(module: string, replicas: readonly string[]): void {
    const known = this.replicas.get(module) ?? new Map<string, ReplicaState>();
    this.replicas.set(module, known);
    for (const replica of replicas) {
      if (typeof replica !== 'string' || replica.length === 0 || replica.length > 200 || known.has(replica)) continue;
      known.set(replica, { lastSeen: performance.now(), checking: false });
    }
    if (known.size > 0) this.startSweeping();
  }

  /** Records a heartbeat (untrusted input: anything malformed is ignored). */
  observe(module: string, raw: string): void {
    let beat: Partial<Heartbeat>;
    try {
      beat = JSON.parse(raw) as Partial<Heartbeat>;
    } catch {
      return;
    }
    if (typeof beat?.replica !== 'string' || beat.replica.length === 0 || beat.replica.length > 200) return;
    if (beat.state === 'down') return this.confirmGone(module, beat.replica);
    if (beat.state !== 'up') return;
    const known = this.replicas.get(module) ?? new Map<string, ReplicaState>();
    this.replicas.set(module, known);
    const state = known.get(beat.replica);
    if (state) state.lastSeen = performance.now();
    else known.set(beat.replica, { lastSeen: performance.now(), checking: false });
    this.down.delete(module);
    this.silent.delete(module);
    this.startSweeping();
  }

  /**
   * How many replicas of `module` this client believes alive (0 while none is known): those heard
   * or seeded and not yet confirmed gone.
   */
  replicaCount(module: string): number {
    return this.replicas.get(module)?.size ?? 0;
  }

  /** Whether Redis confirmed that `module` has no live replica (false while nothing is known). */
  isDown(module: string): boolean {
    return this.down.has(module);
  }

  /** Stops the sweeper. */
  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /**
   * Forgets everything learnt, watches included (after losing the connection to Redis: heartbeats
   * were missed). The client watches each module again on its next call, which asks Redis afresh.
   */
  reset(): void {
    this.epoch++;
    this.replicas.clear();
    this.down.clear();
    this.silent.clear();
    this.watched.clear();
  }

  private startSilenceClock(module: string, since: number): void {
    if (this.replicas.get(module)?.size || this.silent.has(module)) return;
    this.silent.set(module, { since, checking: false });
    this.startSweeping();
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), HEARTBEAT_INTERVAL_MS / 2);
    this.sweeper.unref();
  }

  /** Sends one presence probe for everything that has been silent too long. */
  private sweep(): void {
    const now = performance.now();
    const suspects: Array<{ module: string; replica: string; state: ReplicaState }> = [];
    for (const [module, known] of this.replicas) {
      for (const [replica, state] of known) {
        if (!state.checking && now - state.lastSeen > this.suspectAfterMs) suspects.push({ module, replica, state });
      }
    }
    const silentModules = [...this.silent].filter(
      ([, state]) => !state.checking && now - state.since > this.suspectAfterMs,
    );
    if (suspects.length === 0 && silentModules.length === 0) return;
    for (const { state } of suspects) state.checking = true;
    for (const [, state] of silentModules) state.checking = true;
    const channels = [
      ...suspects.map(({ module, replica }) => redisKeys.replicaPresence(module, replica)),
      ...silentModules.map(([module]) => redisKeys.modulePresence(module)),
    ];
    const epoch = this.epoch;
    this.probe(channels).then(
      (counts) => {
        if (epoch !== this.epoch) return;
        suspects.forEach(({ module, replica, state }, index) =>
          this.judgeReplica(module, replica, state, now, counts[index]),
        );
        silentModules.forEach(([module, state], index) =>
          this.judgeModule(module, state, counts[suspects.length + index]),
        );
      },
      () => {
        for (const { state } of suspects) state.checking = false;
        for (const [, state] of silentModules) state.checking = false;
      },
    );
  }

  private judgeReplica(module: string, replica: string, state: ReplicaState, probedAt: number, count?: number): void {
    state.checking = false;
    // A heartbeat that arrived while Redis was being asked is newer news than the answer.
    if (state.lastSeen > probedAt || count === undefined) return;
    if (count > 0) {
      state.lastSeen = performance.now(); // alive and connected, only slow: suspect it again later
      return;
    }
    this.forget(module, replica);
  }

  private judgeModule(module: string, state: SilentModule, count?: number): void {
    state.checking = false;
    if (this.silent.get(module) !== state || count === undefined) return;
    if (count > 0) {
      state.since = performance.now();
      return;
    }
    this.silent.delete(module);
    this.down.add(module);
    this.listener.moduleSilent?.(module);
  }

  /** A replica said it is going: believed once its presence subscription is gone. */
  private confirmGone(module: string, replica: string): void {
    const state = this.replicas.get(module)?.get(replica);
    if (!state || state.checking) return;
    state.checking = true;
    const asked = performance.now();
    const epoch = this.epoch;
    this.probe([redisKeys.replicaPresence(module, replica)]).then(
      ([count]) => {
        if (epoch === this.epoch) this.judgeReplica(module, replica, state, asked, count);
      },
      () => (state.checking = false),
    );
  }

  /**
   * Drops a replica Redis no longer sees. When it was the last one this client knew of, Redis is
   * asked whether the module has any replica left before the module is declared down: another may
   * be connected without having been heard yet (started a moment ago, or stalled).
   */
  private forget(module: string, replica: string): void {
    const known = this.replicas.get(module);
    if (!known?.delete(replica)) return;
    if (known.size > 0) return this.listener.replicaDied(module, replica);
    const epoch = this.epoch;
    this.probe([redisKeys.modulePresence(module)]).then(
      ([count]) => {
        if (epoch === this.epoch && count === 0 && !this.replicas.get(module)?.size) this.down.add(module);
        this.listener.replicaDied(module, replica);
      },
      () => this.listener.replicaDied(module, replica),
    );
  }
}
