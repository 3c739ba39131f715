import type { Redis } from 'ioredis';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { heartbeatMessage } from '../../auth/heartbeat-auth.js';
import type { PresenceProbe } from './liveness.js';
import { type Heartbeat, HEARTBEAT_INTERVAL_MS, redisKeys } from './redis-keys.js';

/**
 * Announces, for each hosted module, that this replica is alive: a heartbeat every interval (so
 * clients notice silence quickly) and a presence subscription held for as long as the replica is
 * connected (so clients can check with Redis that a silent replica really is gone before failing
 * its calls — see `Liveness`). A kill -9 leaves no other trace on a broker.
 */
export class HeartbeatPublisher {
  private timer?: NodeJS.Timeout;
  private readonly presenceChannels: string[];

  /**
   * @param redis a connection for commands (heartbeats are published on it)
   * @param presence a connection in subscriber mode, alive as long as the replica: the presence
   * channels are subscribed on it (ioredis subscribes again after a reconnection)
   */
  constructor(
    private readonly redis: Redis,
    private readonly presence: Redis,
    private readonly replica: string,
    private readonly modules: readonly string[],
    /** Signs every beat for the modules that call this one (see `heartbeatMessage`). */
    private readonly auth?: EnvelopeAuth,
  ) {
    this.presenceChannels = modules.flatMap((module) => [
      redisKeys.replicaPresence(module, replica),
      redisKeys.modulePresence(module),
    ]);
  }

  /** Subscribes the presence channels, then starts beating. */
  async start(): Promise<void> {
    await this.presence.subscribe(...this.presenceChannels);
    this.beat('up');
    this.timer = setInterval(() => this.beat('up'), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Stops beating and tells clients at once that this replica is gone. The presence subscription
   * is dropped first: a client believes "down" only once Redis no longer sees the replica.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.presence.status === 'ready')
      await this.presence.unsubscribe(...this.presenceChannels).catch(() => undefined);
    if (this.redis.status === 'ready')
      await Promise.allSettled(this.modules.map((module) => this.publish(module, 'down')));
  }

  private beat(state: Heartbeat['state']): void {
    if (this.redis.status !== 'ready') return;
    for (const module of this.modules) this.publish(module, state).catch(() => undefined);
  }

  private publish(module: string, state: Heartbeat['state']): Promise<number> {
    const heartbeat: Heartbeat = { replica: this.replica, state };
    return this.redis.publish(redisKeys.heartbeats(module), heartbeatMessage(this.auth, module, heartbeat));
  }
}

/** A {@link PresenceProbe} that asks `redis` (not in subscriber mode) with `PUBSUB NUMSUB`. */
export function numsubProbe(redis: () => Redis | undefined): PresenceProbe {
  return async (channels) => {
    const connection = redis();
    if (connection?.status !== 'ready') throw new Error('not connected to Redis');
    const reply = (await connection.pubsub('NUMSUB', ...channels)) as Array<string | number>;
    const counts = new Map<string, number>();
    for (let index = 0; index + 1 < reply.length; index += 2)
      counts.set(String(reply[index]), Number(reply[index + 1]));
    return channels.map((channel) => counts.get(channel) ?? 0);
  };
}
