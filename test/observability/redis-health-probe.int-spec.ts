import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { probeEndpoint } from '@seam/runtime';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';

const reason = redisUnavailableReason();

/** What a probe of `url` came to within `waitMs`: `up`, its error message, or that it still waits. */
async function probeOutcome(url: string, timeoutMs: number, waitMs: number): Promise<string> {
  const probe = probeEndpoint({ transport: 'redis', url }, {}, timeoutMs).then(
    () => 'up',
    (error: Error) => error.message,
  );
  // Raced against a longer wait, so that a probe that hangs fails the assertion, not the test's timeout.
  return Promise.race([
    probe,
    new Promise<string>((resolve) => setTimeout(() => resolve(`still waiting after ${waitMs} ms`), waitMs).unref()),
  ]);
}

(reason ? describe.skip : describe)(
  `The Redis probe behind /health (a private redis-server)${reason ? ` — skipped: ${reason}` : ''}`,
  () => {
    let redis: PrivateRedis;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
    });
    afterAll(async () => {
      if (redis?.pid) process.kill(redis.pid, 'SIGCONT');
      await redis?.stop();
    });

    it('says up while the broker answers', async () => {
      expect(await probeOutcome(redis.url, 1_000, 5_000)).toBe('up');
    });

    it('says down within its timeout when the broker is stopped (accepts connections, answers nothing)', async () => {
      // SIGSTOP: the kernel still completes TCP handshakes into the listen backlog, so the
      // connection opens and only the broker's answers are missing — a wedged Redis.
      process.kill(redis.pid!, 'SIGSTOP');
      const startedAt = performance.now();

      const outcome = await probeOutcome(redis.url, 300, 3_000);

      expect(outcome).toBe('Redis: Redis did not answer PING within 300 ms');
      expect(performance.now() - startedAt).toBeLessThan(2_000);
      process.kill(redis.pid!, 'SIGCONT');
    });
  },
);
