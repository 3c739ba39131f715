import type { Redis } from 'ioredis';
import { type Heartbeat, HEARTBEAT_INTERVAL_MS, redisKeys } from './redis-keys.js';

/**
 * Announces, for each hosted module, that this replica is alive, so that clients can fail the
 * calls of a replica that died (kill -9 leaves no other trace on a broker) within a second.
 */
export class HeartbeatPublisher {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly replica: string,
    private readonly modules: readonly string[],
  ) {}

  start(): void {
    this.beat('up');
    this.timer = setInterval(() => this.beat('up'), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops beating and tells clients at once that this replica is gone. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.redis.status === 'ready')
      await Promise.allSettled(this.modules.map((module) => this.publish(module, 'down')));
  }

  private beat(state: Heartbeat['state']): void {
    if (this.redis.status !== 'ready') return;
    for (const module of this.modules) this.publish(module, state).catch(() => undefined);
  }

  private publish(module: string, state: Heartbeat['state']): Promise<number> {
    const heartbeat: Heartbeat = { replica: this.replica, state };
    return this.redis.publish(redisKeys.heartbeats(module), JSON.stringify(heartbeat));
  }
}
