import { Logger, type OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { loadIoredis } from '@seam/transport';
import { type EdgeThrottleStore, type ThrottleRecord, toSeconds } from './edge-throttle.store.js';

// KEYS: the counter, its block. ARGV: ttl ms, limit, block duration ms.
// Answers { hits, ms left in the window, blocked (0/1), ms left blocked }. One script, so that the
// count, its expiry and the block are one atomic step even with many edge replicas.
const INCREMENT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return { tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blocked }
end
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits <= tonumber(ARGV[2]) then return { hits, ttl, 0, 0 } end
local duration = tonumber(ARGV[3])
if duration > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', duration)
  redis.call('DEL', KEYS[1])
  return { hits, duration, 1, duration }
end
return { hits, ttl, 1, ttl }
`;

// KEYS: the delay. ARGV: ms. Sets it unless a longer one is running.
const DELAY = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
`;

const PREFIX = 'seam:edge-throttle:';
const TIMEOUT_MS = 2_000;

/**
 * The edge's throttling state in Redis, shared by every edge replica (`SEAM_THROTTLE_REDIS_URL`).
 * Written here rather than taken from `@nest-lab/throttler-storage-redis`, whose releases peer
 * Nest ≤ 11 only; this is the same idea in two small Lua scripts. Keys carry a hash tag, so a
 * counter and its block live on one Redis Cluster slot.
 *
 * When Redis cannot be reached the store fails closed: the request is answered 503 rather than
 * let through unthrottled (log-in would otherwise be open to guessing during an outage).
 */
export class RedisThrottleStore implements EdgeThrottleStore, OnApplicationShutdown {
  private readonly logger = new Logger('EdgeThrottling');

  /**
   * A store on the Redis at `url`. Connects in the background (the first requests wait for the
   * connection); ioredis is imported here, so an edge without Redis never loads it.
   */
  static async open(url: string): Promise<RedisThrottleStore> {
    const { Redis } = await loadIoredis();
    // One retry and a deadline per command: a request must not wait long on a Redis that is down
    // (the offline queue stays, so the first requests after start-up wait for the connection).
    return new RedisThrottleStore(
      new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS }),
    );
  }

  private constructor(private readonly redis: Redis) {
    // One line per outage, not one per reconnection attempt.
    let reported = false;
    this.redis.on('error', (error: Error) => {
      if (!reported) this.logger.warn(`Redis for throttling is unreachable (requests get 503): ${error.message}`);
      reported = true;
    });
    this.redis.on('ready', () => {
      if (reported) this.logger.log('Redis for throttling is reachable again');
      reported = false;
    });
    this.redis.defineCommand('seamThrottleIncrement', { numberOfKeys: 2, lua: INCREMENT });
    this.redis.defineCommand('seamThrottleDelay', { numberOfKeys: 1, lua: DELAY });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottleRecord> {
    const base = `${PREFIX}{${throttlerName}:${key}}`;
    const [hits, expiresInMs, blocked, blockedForMs] = (await this.call(() =>
      this.scripts.seamThrottleIncrement(`${base}:hits`, `${base}:block`, ttl, limit, blockDuration),
    )) as number[];
    return {
      totalHits: hits!,
      timeToExpire: toSeconds(expiresInMs!),
      isBlocked: blocked === 1,
      timeToBlockExpire: toSeconds(blockedForMs!),
    };
  }

  async delayLeft(subject: string): Promise<number> {
    return Math.max(0, await this.call(() => this.redis.pttl(delayKey(subject))));
  }

  async delay(subject: string, ms: number): Promise<void> {
    await this.call(() => this.scripts.seamThrottleDelay(delayKey(subject), Math.ceil(ms)));
  }

  async forget(subject: string, throttlerName: string): Promise<void> {
    const base = `${PREFIX}{${throttlerName}:${subject}}`;
    // Two commands: the delay and the counter sit on different cluster slots.
    await this.call(() => this.redis.del(delayKey(subject)));
    await this.call(() => this.redis.del(`${base}:hits`, `${base}:block`));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    // Also stops the reconnection attempts of a client that never connected.
    this.redis.disconnect();
  }

  private get scripts(): Scripts {
    return this.redis as unknown as Scripts;
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new ServiceUnavailableException('Request throttling is unavailable', { cause: error });
    }
  }
}

interface Scripts {
  seamThrottleIncrement(hits: string, block: string, ttl: number, limit: number, blockMs: number): Promise<unknown>;
  seamThrottleDelay(key: string, ms: number): Promise<unknown>;
}

const delayKey = (subject: string) => `${PREFIX}{delay:${subject}}`;
