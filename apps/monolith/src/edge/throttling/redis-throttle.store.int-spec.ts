import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisThrottleStore } from './redis-throttle.store.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why this suite cannot run here (no Redis to reach), or undefined. */
function unreachable(url: string): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379), timeout: 1_500 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => socket.destroy(new Error('connection timed out')));
    socket.once('error', (error) => resolve(`no Redis at ${hostname}:${port} (${error.message})`));
  });
}

const reason = await unreachable(REDIS_URL);
const suite = reason ? describe.skip : describe;

suite(`RedisThrottleStore${reason ? ` — skipped: ${reason}` : ''}`, () => {
  // Two stores on one Redis stand for two edge replicas.
  let replicaA: RedisThrottleStore;
  let replicaB: RedisThrottleStore;
  // Keys unique to this run: the shared Redis may hold other runs' counters.
  const name = () => `spec-${randomUUID()}`;

  beforeAll(async () => {
    replicaA = await RedisThrottleStore.open(REDIS_URL);
    replicaB = await RedisThrottleStore.open(REDIS_URL);
  });
  afterAll(async () => {
    await Promise.all([replicaA?.onApplicationShutdown(), replicaB?.onApplicationShutdown()]);
  });

  describe('increment', () => {
    it('counts the hits of every replica together, atomically: of 60 at once, exactly the limit pass', async () => {
      const throttler = name();
      const records = await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          (index % 2 ? replicaA : replicaB).increment('client', 60_000, 10, 60_000, throttler),
        ),
      );
      expect(records.filter(({ isBlocked }) => !isBlocked)).toHaveLength(10);
      expect(
        records.filter(({ isBlocked }) => isBlocked).every(({ timeToBlockExpire }) => timeToBlockExpire === 60),
      ).toBe(true);
    });

    it('answers in the stock storage units: window and block left in whole seconds', async () => {
      const throttler = name();
      expect(await replicaA.increment('client', 10_000, 1, 30_000, throttler)).toEqual({
        totalHits: 1,
        timeToExpire: 10,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
      expect(await replicaB.increment('client', 10_000, 1, 30_000, throttler)).toMatchObject({
        isBlocked: true,
        timeToBlockExpire: 30,
      });
    });

    it('ends the window and the block when their time is up (the keys expire in Redis)', async () => {
      const throttler = name();
      await replicaA.increment('client', 300, 1, 300, throttler);
      expect((await replicaA.increment('client', 300, 1, 300, throttler)).isBlocked).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await replicaB.increment('client', 300, 1, 300, throttler)).toMatchObject({
        isBlocked: false,
        totalHits: 1,
      });
    });
  });

  describe('delay and forget', () => {
    it('share a delay between replicas, never shorten it, and forget it with the counter', async () => {
      const subject = `account:${name()}`;
      expect(await replicaA.delayLeft(subject)).toBe(0);
      await replicaA.delay(subject, 20_000);
      await replicaB.delay(subject, 1_000);
      const left = await replicaB.delayLeft(subject);
      expect(left).toBeGreaterThan(15_000);
      expect(left).toBeLessThanOrEqual(20_000);
      await replicaA.increment(subject, 60_000, 100, 0, 'failures-spec');
      await replicaB.forget(subject, 'failures-spec');
      expect(await replicaA.delayLeft(subject)).toBe(0);
      expect((await replicaA.increment(subject, 60_000, 100, 0, 'failures-spec')).totalHits).toBe(1);
      await replicaA.forget(subject, 'failures-spec');
    });
  });

  describe('when Redis is unreachable', () => {
    it('fails closed with 503, quickly, instead of letting the request through or hanging', async () => {
      const down = await RedisThrottleStore.open('redis://127.0.0.1:1');
      try {
        const started = performance.now();
        await expect(down.increment('client', 1_000, 1, 0, name())).rejects.toMatchObject({ status: 503 });
        await expect(down.delayLeft('client')).rejects.toMatchObject({ status: 503 });
        expect(performance.now() - started).toBeLessThan(5_000);
      } finally {
        await down.onApplicationShutdown();
      }
    });
  });
});
