// A request read from its stream after its caller's budget ran out (the replica was stalled or
// busy while the entry waited) is refused as DeadlineExceeded instead of run with a fresh budget:
// the entry's id carries Redis's clock at XADD, which the server compares with Redis's clock now.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@seam/testing';
import { RedisStreamsServer } from '@seam/transport';
import { Redis } from 'ioredis';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;
const EXTRAS = { seam: { kind: 'request', owner: 'probe', access: { callers: ['*'] } } };

suite(
  `Redis streams server, requests that waited in the stream${skipReason ? ` — skipped: ${skipReason}` : ''}`,
  () => {
    let redis: PrivateRedis;
    let server: RedisStreamsServer;
    let admin: Redis;
    let replies: Redis;
    const ran: string[] = [];
    const answers = new Map<string, { err?: { code: string }; response?: unknown }>();

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      server = new RedisStreamsServer({ url: redis.url, hosted: ['probe'] });
      server.addHandler('probe.echo', (async (data: { id: string }) => ran.push(data.id)) as never, false, EXTRAS);
      await new Promise<void>((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
      admin = new Redis(redis.url);
      replies = new Redis(redis.url);
      replies.on('message', (_channel: string, message: string) => {
        const reply = JSON.parse(message) as { id: string; err?: { code: string }; response?: unknown };
        answers.set(reply.id, reply);
      });
      await replies.subscribe('seam:rp:late-test');
    }, 60_000);

    afterAll(async () => {
      replies?.disconnect();
      admin?.disconnect();
      await server?.close(1_000);
      await redis?.stop();
    });

    /** Appends a request as a caller would, with `id` as its entry id (`*`: Redis's clock now). */
    const append = (id: string, entryId: string, budgetMs: number) =>
      admin.xadd(
        'seam:rq:probe',
        entryId,
        'p',
        JSON.stringify({
          id,
          pattern: 'probe.echo',
          data: { id },
          metadata: { 'seam-caller': 'tester', 'seam-budget-ms': String(budgetMs) },
          replyTo: 'seam:rp:late-test',
        }),
      );

    it('refuses as DeadlineExceeded, without running it, a request added longer ago than its budget', async () => {
      const [seconds] = await admin.time();
      // Added (per Redis's clock) 30 s ago with a 5 s budget, as if the replica had been stopped meanwhile.
      await append('late', `${Number(seconds) * 1_000 - 30_000}-0`, 5_000);
      await append('fresh', '*', 5_000);
      await eventually(() => expect([...answers.keys()].toSorted()).toEqual(['fresh', 'late']), { timeoutMs: 10_000 });
      expect(answers.get('late')?.err?.code).toBe('DEADLINE_EXCEEDED');
      expect(answers.get('fresh')?.err).toBeUndefined();
      expect(ran).toEqual(['fresh']);
    });
  },
);
