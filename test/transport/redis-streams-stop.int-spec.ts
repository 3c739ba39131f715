// A replica of a service on Redis streams is asked to stop (SIGTERM: `stopTakingWork`), and Nest's
// `close` reaches its server only seconds later, after the HTTP server has drained. From the signal
// on it must read nothing more from its streams — what arrives is for the other replicas — while
// the calls it had taken are still answered.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import {
  type CallMetadata,
  type OutgoingPacket,
  RedisStreamsClient,
  RedisStreamsServer,
  type SeamError,
} from '@seam/transport';
import { eventually } from '@seam/testing';
import { Redis } from 'ioredis';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;
const EXTRAS = { seam: { kind: 'request', owner: 'probe', access: { callers: ['*'] } } };
const PATTERN = 'probe.which-replica';

const packet = (): OutgoingPacket => ({
  pattern: PATTERN,
  data: {},
  metadata: { traceparent: '', 'seam-caller': 'tester', 'seam-budget-ms': '10000' } as CallMetadata,
  module: 'probe',
});

suite(`Redis streams server, asked to stop${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let redis: PrivateRedis;
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  }, 60_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).toReversed()) await cleanup();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** A replica of probe answering with its name; `held` keeps its first answer until released. */
  async function startReplica(name: string, held?: Promise<void>) {
    const replica = { name, handled: 0, server: new RedisStreamsServer({ url: redis.url, hosted: ['probe'] }) };
    const handler = (async () => {
      replica.handled++;
      if (held && replica.handled === 1) await held;
      return { replica: name };
    }) as unknown as MessageHandler;
    replica.server.addHandler(PATTERN, handler, false, EXTRAS);
    await new Promise<void>((resolve, reject) => replica.server.listen((error) => (error ? reject(error) : resolve())));
    cleanups.push(() => replica.server.close(1_000));
    return replica;
  }

  /** Connections reading probe's streams now: one per replica still taking work (`seam:<replica>:probe`). */
  async function readers(): Promise<number> {
    const admin = new Redis(redis.url);
    try {
      return ((await admin.client('LIST')) as string).split('\n').filter((line) => / name=seam:\S+:probe /.test(line))
        .length;
    } finally {
      admin.disconnect();
    }
  }

  function call(client: RedisStreamsClient): Promise<unknown> {
    return new Promise((resolve, reject) =>
      client.request(packet(), (error, response) =>
        error === undefined ? resolve(response) : reject(error as SeamError),
      ),
    );
  }

  it('reads nothing more once asked, leaving what comes to the other replica, and still answers what it took', async () => {
    let release: () => void = () => undefined;
    const stopping = await startReplica('stopping', new Promise<void>((resolve) => (release = resolve)));
    const client = new RedisStreamsClient({ url: redis.url });
    cleanups.push(() => client.close());
    // Only one replica yet: the first call is taken by the one that will stop, and held there.
    const inFlight = call(client);
    const staying = await startReplica('staying');
    await eventually(() => expect(stopping.handled).toBe(1));

    expect(await readers()).toBe(2);
    stopping.server.stopTakingWork();
    // A batch Redis hands over as the reader leaves is still handled (answered, not lost); from
    // the moment its connection is gone, nothing more can be.
    await eventually(async () => expect(await readers()).toBe(1));
    const after = await Promise.all(Array.from({ length: 6 }, () => call(client)));
    expect(after).toEqual(Array.from({ length: 6 }, () => ({ replica: 'staying' })));
    expect(stopping.handled).toBe(1);
    expect(staying.handled).toBe(6);

    release();
    await expect(inFlight).resolves.toEqual({ replica: 'stopping' });
  });
});
