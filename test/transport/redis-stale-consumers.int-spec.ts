// Every start of a replica adds a consumer named after it to each group it reads, and nothing else
// removes that consumer once the replica is gone (a caller removes only those of replicas it saw
// die, and from request streams only). A Redis streams server deletes, from its module's groups,
// the consumers idle past `staleConsumerAfterMs` that hold nothing and whose replica Redis no
// longer sees, and keeps those holding pending entries and those of live replicas — under the
// least-privileged ACL user redisAclFor makes for it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import { redisAclFor, type RedisAclSubject, RedisStreamsServer } from '@seam/transport';
import { eventually } from '@seam/testing';
import { Redis } from 'ioredis';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;

/** Short enough to wait out in a test; the server deletes nothing idle for less. */
const STALE_AFTER_MS = 300;
const CALLEE: RedisAclSubject = {
  username: 'seam-probe',
  password: 'callee-password-0123456789abcdef',
  hosts: ['probe'],
  subscribes: ['tester.thing.happened'],
};
const STREAMS = ['seam:rq:probe', 'seam:ev:tester.thing.happened'];
const EVENT_EXTRAS = { seam: { kind: 'event', owner: 'tester', subscriber: 'probe' } };

interface Consumer {
  name: string;
  pending: number;
  idle: number;
}

suite(`Redis streams server, consumers of gone replicas${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let redis: PrivateRedis;
  let admin: Redis;
  const servers: RedisStreamsServer[] = [];

  const consumersOf = async (stream: string): Promise<Consumer[]> =>
    ((await admin.xinfo('CONSUMERS', stream, 'probe')) as unknown[][]).map((fields) => {
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      return { name: String(field('name')), pending: Number(field('pending')), idle: Number(field('idle')) };
    });

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    admin = new Redis(redis.url);
    const { username, rules } = redisAclFor(CALLEE);
    await admin.call('ACL', 'SETUSER', username, ...rules);
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) await server.close(1_000);
    admin?.disconnect();
    await redis?.stop();
  });

  /** A replica of probe, listening; `staleConsumerAfterMs` as given. */
  async function startReplica(staleConsumerAfterMs?: number): Promise<RedisStreamsServer> {
    const server = new RedisStreamsServer({
      url: redis.url,
      hosted: ['probe'],
      security: { username: CALLEE.username, password: CALLEE.password },
      staleConsumerAfterMs,
    });
    servers.push(server);
    server.addHandler('tester.thing.happened', (async () => undefined) as MessageHandler, true, EVENT_EXTRAS);
    await new Promise<void>((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
    return server;
  }

  it('deletes the idle consumers of gone replicas that hold nothing, and keeps those holding entries and live ones', async () => {
    for (const stream of STREAMS) {
      await admin.xgroup('CREATE', stream, 'probe', '0', 'MKSTREAM');
      // A replica that stopped cleanly: everything it took was answered and acknowledged.
      await admin.xgroup('CREATECONSUMER', stream, 'probe', 'gone-clean');
      // A replica killed while handling an entry: the pending list is the record of it.
      await admin.xadd(stream, '*', 'p', '{}');
      await admin.xreadgroup('GROUP', 'probe', 'gone-holding', 'COUNT', 1, 'STREAMS', stream, '>');
    }
    // A live replica that took an entry of each stream and has had nothing to do since.
    const live = await startReplica();
    for (const stream of STREAMS) await admin.xadd(stream, '*', 'p', '{}'); // dropped, but read and acknowledged
    await eventually(async () => {
      for (const stream of STREAMS)
        expect(await consumersOf(stream)).toContainEqual(expect.objectContaining({ name: live.replica, pending: 0 }));
    });
    await eventually(async () => {
      for (const stream of STREAMS)
        for (const consumer of await consumersOf(stream)) expect(consumer.idle).toBeGreaterThanOrEqual(STALE_AFTER_MS);
    });

    await startReplica(STALE_AFTER_MS);

    await eventually(async () => {
      for (const stream of STREAMS)
        expect((await consumersOf(stream)).map(({ name }) => name)).not.toContain('gone-clean');
    });
    for (const stream of STREAMS) {
      const consumers = await consumersOf(stream);
      expect(consumers).toContainEqual(expect.objectContaining({ name: 'gone-holding', pending: 1 }));
      expect(consumers).toContainEqual(expect.objectContaining({ name: live.replica }));
    }
    // Nothing either replica did was refused: the rules redisAclFor gives a server allow the clean-up.
    const refused = ((await admin.call('ACL', 'LOG')) as unknown[][]).filter((entry) =>
      entry.includes(CALLEE.username),
    );
    expect(refused).toEqual([]);
  });

  it('refuses a negative threshold', () => {
    expect(() => new RedisStreamsServer({ url: redis.url, hosted: ['probe'], staleConsumerAfterMs: -1 })).toThrow(
      RangeError,
    );
  });
});
