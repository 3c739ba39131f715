import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { RedisLockService, redisLockKeys } from './redis-lock.service.js';
import { redisUnavailableReason, TEST_REDIS_URL } from './testing/redis-unavailable-reason.js';

const reason = await redisUnavailableReason();
const redisSuite = reason ? describe.skip : describe;

/**
 * A proxy to Redis that, once armed, passes the next acquisition script on to Redis but never its
 * answer, and drops the client's connection: Redis ran the script, the client never heard.
 */
class AnswerDroppingProxy {
  armed = false;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(redisUrl: string) {
    const { hostname, port } = new URL(redisUrl);
    this.server = createServer((client) => {
      const upstream = connect(Number(port || 6379), hostname);
      let muted = false;
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.on('data', (data) => {
        upstream.write(data);
        if (this.armed && data.includes("'NX'")) {
          this.armed = false;
          muted = true;
          // Long enough for Redis to have run it; then the connection is lost, unanswered.
          upstream.once('data', () => client.destroy());
        }
      });
      upstream.on('data', (data) => muted || client.write(data));
      client.on('close', () => upstream.destroy());
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  close(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
  }
}

redisSuite(`RedisLockService when an answer is lost${reason ? ` — skipped: ${reason}` : ''}`, () => {
  const keyPrefix = `seam-test-${randomBytes(6).toString('hex')}:`;
  const proxy = new AnswerDroppingProxy(TEST_REDIS_URL);
  let redis: Redis;
  let admin: Redis;

  beforeAll(async () => {
    // ioredis's defaults: on reconnecting, it sends again every command the lost connection left unanswered.
    redis = new Redis({ host: '127.0.0.1', port: await proxy.listen() });
    redis.on('error', () => undefined);
    admin = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    const keys = await admin.keys(`${keyPrefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    redis.disconnect();
    await admin.quit();
    proxy.close();
  });

  it('gets the lock whose acquisition Redis ran but did not answer, with the token it was given', async () => {
    const locks = new RedisLockService(redis, { keyPrefix });
    const keys = redisLockKeys('resent', keyPrefix);
    proxy.armed = true;
    // Before: the command sent again found this acquisition's own lease and answered "held by
    // someone else" — and the lease stayed in Redis, held by no one, for its whole ttl.
    const lock = await locks.acquire('resent', { ttlMs: 30_000 });
    expect(proxy.armed).toBe(false); // the answer was dropped
    expect(lock.token).toBe(Number(await admin.get(keys.fence)));
    await lock.release();
    expect(await admin.exists(keys.lock)).toBe(0);
  });
});
