import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { checkAcquireOptions } from './acquire-options.js';
import { Lease, sleep } from './lease.js';
import { type AcquireOptions, type Lock, type LockService, LockUnavailableError } from './lock.service.js';
import { ACQUIRE, RELEASE, RENEW } from './redis-lock.scripts.js';

/** Options of {@link RedisLockService}. */
export interface RedisLockServiceOptions {
  /** Prefix of every key (default `seam:`); see {@link redisLockKeys}. */
  keyPrefix?: string;
}

/**
 * The two keys of a resource: the lease (`<prefix>lock:{<resource>}`, value = the holder's random
 * id, expiring with the TTL) and the fence counter (`…:fence`, never expiring). The braces keep
 * both in one Redis Cluster hash slot so that one script can touch both.
 */
export function redisLockKeys(resource: string, keyPrefix = 'seam:'): { lock: string; fence: string } {
  const lock = `${keyPrefix}lock:{${resource}}`;
  return { lock, fence: `${lock}:fence` };
}

/** First and largest pause between two attempts of a waiting `acquire`, before jitter. */
const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 100;

/**
 * {@link LockService} shared by every process connected to one Redis: `SET NX PX` with a random
 * owner value, the fencing token from the fence counter in the same script (see `ACQUIRE`),
 * compare-and-delete release and compare-and-`PEXPIRE` renewal every `ttlMs / 3`. A waiting `acquire` polls with jittered,
 * growing pauses (no FIFO fairness across processes).
 *
 * A lease is reported lost when a renewal finds another value or no key, and also when no renewal
 * has succeeded for `ttlMs` (Redis unreachable): the holder cannot prove it still owns the lock.
 * The fence counter lives in Redis and never goes below Redis's clock in µs (see `ACQUIRE`): a
 * Redis that loses its data (no persistence, failover to a lagging replica) goes on with tokens
 * above every earlier one, provided its clock did not go back by more than the outage lasted.
 * Tokens are therefore large (about 1.8e15 in 2026), still safe integers until the year 2255.
 *
 * The caller owns `redis` (connects and quits it). Commands fail as the client fails them.
 */
export class RedisLockService implements LockService {
  private readonly keyPrefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisLockServiceOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'seam:';
  }

  async acquire(resource: string, options: AcquireOptions): Promise<Lock> {
    checkAcquireOptions(options);
    const keys = redisLockKeys(resource, this.keyPrefix);
    const owner = randomBytes(16).toString('hex');
    const waitMs = options.waitMs ?? 0;
    const giveUpAt = performance.now() + waitMs;
    for (let pause = FIRST_RETRY_MS; ; pause = Math.min(pause * 2, MAX_RETRY_MS)) {
      options.signal?.throwIfAborted();
      const startedAt = performance.now();
      const token = Number(await this.redis.eval(ACQUIRE, 2, keys.lock, keys.fence, owner, options.ttlMs));
      if (token > 0) return this.hold(resource, keys.lock, owner, token, startedAt, options);
      const left = giveUpAt - performance.now();
      if (left <= 0) throw new LockUnavailableError(resource, waitMs);
      // Full jitter: contenders that collided once spread out instead of colliding again.
      await sleep(Math.min(left, Math.random() * pause), options.signal);
    }
  }

  private hold(
    resource: string,
    key: string,
    owner: string,
    token: number,
    acquiredAt: number,
    options: AcquireOptions,
  ): Lock {
    const { ttlMs } = options;
    const lease: Lease = new Lease(resource, token, async () => {
      stop();
      await this.redis.eval(RELEASE, 1, key, owner);
    });
    // Lease time is counted from when each command was sent: Redis may have started it any time after.
    const expireAt = (at: number): NodeJS.Timeout => {
      lease.endAt(at);
      return setTimeout(() => lease.markLost(), at - performance.now()).unref();
    };
    let expiry = expireAt(acquiredAt + ttlMs);
    const renewal =
      options.renew === false
        ? undefined
        : setInterval(() => {
            const sentAt = performance.now();
            this.redis.eval(RENEW, 1, key, owner, ttlMs).then(
              (renewed) => {
                if (!lease.held) return;
                if (Number(renewed) !== 1) return lease.markLost();
                clearTimeout(expiry);
                expiry = expireAt(sentAt + ttlMs);
              },
              // Unreachable Redis: keep trying; the expiry timer declares the loss if it lasts.
              () => undefined,
            );
          }, ttlMs / 3).unref();
    const stop = (): void => {
      clearInterval(renewal);
      clearTimeout(expiry);
    };
    lease.onLost(stop);
    return lease;
  }
}
