import type { LoggerService } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { numsubProbe } from './heartbeat.js';
import { redisKeys } from './redis-keys.js';
import { idleConsumers } from './stream-group.js';

/** Default of `RedisStreamsServerOptions.staleConsumerAfterMs`. */
export const STALE_CONSUMER_AFTER_MS = 10 * 60_000;

/** How often a server looks for stale consumers (and once as it starts). */
const SWEEP_INTERVAL_MS = 60_000;

/** Redis's answers when the stream or the group is not there (yet, or again after a restart). */
const NOTHING_TO_SWEEP = /^(NOGROUP|ERR no such key)/;

/** A consumer group a server reads through. */
export interface ReadGroup {
  stream: string;
  group: string;
}

/**
 * Keeps the consumer groups a Redis streams server reads through free of the consumers of
 * replicas that are gone. A replica reads as a consumer named after itself (host, pid, random
 * suffix), so every process start adds one to each group it reads and every stop leaves it
 * behind; nothing else removes it (a caller removes those of replicas it saw die, from request
 * streams only). A consumer is deleted once it has been idle for `idleMs`, holds no pending entry
 * and its replica keeps no presence in Redis (see `HeartbeatPublisher`): nothing is lost with it,
 * and a live replica — idle for want of work — keeps its place among the replicas callers learn
 * from the group. Consumers that hold pending entries are left as they are: what a dead replica
 * had taken is not redelivered (its callers were failed as Unavailable; events are delivered at
 * most once), and the pending list is the record of it.
 *
 * Looking and deleting are separate commands (scripts are outside Seam's ACL rules): a replica
 * that reconnects and reads in between loses the pending record (not the entries) of that read.
 */
export class StaleConsumerSweeper {
  private timer?: NodeJS.Timeout;
  private readonly presence = numsubProbe(() => this.redis);
  private sweeping = false;
  private refusalLogged = false;

  /**
   * @param groups the groups to keep clean (read when sweeping: they may change until listening)
   * @param self this replica's consumer name, never deleted
   * @param idleMs how long another consumer must have been idle, holding nothing, to be deleted
   */
  constructor(
    private readonly redis: Redis,
    private readonly groups: () => readonly ReadGroup[],
    private readonly self: string,
    private readonly idleMs: number,
    private readonly logger: Pick<LoggerService, 'warn' | 'log'>,
  ) {}

  /** Sweeps now, then every minute until {@link stop}. */
  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.redis.status !== 'ready') return;
    this.sweeping = true;
    try {
      for (const { stream, group } of this.groups()) await this.sweepGroup(stream, group);
    } finally {
      this.sweeping = false;
    }
  }

  private async sweepGroup(stream: string, group: string): Promise<void> {
    try {
      const idle = (await idleConsumers(this.redis, stream, group, this.idleMs)).filter((name) => name !== this.self);
      if (idle.length === 0) return;
      const present = await this.presence(idle.map((replica) => redisKeys.replicaPresence(group, replica)));
      const gone = idle.filter((_, index) => present[index] === 0);
      for (const replica of gone) await this.redis.xgroup('DELCONSUMER', stream, group, replica);
      if (gone.length > 0)
        this.logger.log(`Removed ${gone.length} consumer(s) of gone replicas from group ${group} of ${stream}`);
    } catch (error) {
      const message = (error as Error).message;
      if (NOTHING_TO_SWEEP.test(message) || this.redis.status !== 'ready' || this.refusalLogged) return;
      // Most likely an ACL user made before redisAclFor granted XINFO CONSUMERS and XGROUP
      // DELCONSUMER to servers: said once, not every minute.
      this.refusalLogged = true;
      this.logger.warn(`Cannot remove idle consumers of gone replicas from ${stream}: ${message}`);
    }
  }
}
