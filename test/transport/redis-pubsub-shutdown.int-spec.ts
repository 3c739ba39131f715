// A replica of a service on Redis pub/sub is stopped (SIGTERM: `stopTakingWork`, then Nest's
// `close`) while calls are in flight. It must stop taking requests first, answer the calls it
// took, and only then announce that it is gone and quit Redis: announcing first makes every caller
// fail its pending calls as Unavailable while their handlers run on, and the caller cannot tell
// whether they took effect (a payment authorized, and the order rejected).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { eventually } from '@seam/testing';
import {
  type CallMetadata,
  InProcessBus,
  type OutgoingPacket,
  type SeamError,
  SeamRedisPubSubClient,
  SeamRedisPubSubServer,
  startSeamServers,
  stopTakingWork,
} from '@seam/transport';
import { Redis } from 'ioredis';
import { CALLEE_MODULES, ProbeAppModule } from '../parity/fixtures/probe-app.module.js';
import { ProbeContract } from '../parity/fixtures/probe.contract.js';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;
const EXTRAS = { seam: { kind: 'request', owner: 'probe', access: { callers: ['*'] } } };

/** A handler that starts, then waits until the test lets it answer. */
class GatedHandler {
  readonly started: Promise<void>;
  private markStarted!: () => void;
  private answer!: (value: unknown) => void;
  calls = 0;

  constructor() {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  readonly handler = (async () => {
    this.calls += 1;
    this.markStarted();
    return new Promise((resolve) => (this.answer = resolve));
  }) as unknown as MessageHandler;

  release(value: unknown): void {
    this.answer(value);
  }
}

const packet = (pattern: string, data: unknown = {}): OutgoingPacket => ({
  pattern,
  data,
  metadata: { traceparent: '', 'seam-caller': 'tester', 'seam-budget-ms': '20000' } as CallMetadata,
  module: 'probe',
});

const call = (client: SeamRedisPubSubClient, pattern: string): Promise<unknown> =>
  new Promise((resolve, reject) =>
    client.request(packet(pattern), (error, response) =>
      error === undefined ? resolve(response) : reject(error as SeamError),
    ),
  );

suite(`Redis pub/sub server, stopping with calls in flight${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let redis: PrivateRedis;
  let admin: Redis;
  const cleanups: Array<() => unknown> = [];

  /** How many connections subscribe `channel` now, per Redis. */
  const subscribers = async (channel: string) => Number(((await admin.pubsub('NUMSUB', channel)) as unknown[])[1]);

  async function startServer(handlers: Record<string, MessageHandler>, drainTimeoutMs?: number) {
    const server = new SeamRedisPubSubServer({ url: redis.url, hosted: ['probe'], drainTimeoutMs });
    for (const [pattern, handler] of Object.entries(handlers)) server.addHandler(pattern, handler, false, EXTRAS);
    await new Promise<void>((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
    cleanups.push(() => server.close());
    return server;
  }

  function startClient(): SeamRedisPubSubClient {
    const client = new SeamRedisPubSubClient({ url: redis.url });
    cleanups.push(() => client.close());
    return client;
  }

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    admin = new Redis(redis.url);
  }, 60_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).toReversed()) await cleanup();
  });

  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  it('answers a call in flight when it is stopped, then announces that it is gone and closes', async () => {
    const slow = new GatedHandler();
    const server = await startServer({ 'probe.slow': slow.handler });
    const client = startClient();
    const answer = call(client, 'probe.slow');
    await slow.started;

    const closed = server.close();
    // It takes nothing more (the request channel is unsubscribed) while the handler runs on.
    await eventually(async () => expect(await subscribers('probe.slow')).toBe(0));
    slow.release('authorized');

    await expect(answer).resolves.toBe('authorized');
    await closed;
    // Gone, and said so: the next call fails at once instead of waiting for its deadline.
    await expect(call(client, 'probe.slow')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(slow.calls).toBe(1);
  }, 30_000);

  it('closes once drainTimeoutMs has passed when a handler never answers, failing that call Unavailable', async () => {
    const stuck = new GatedHandler();
    const server = await startServer({ 'probe.stuck': stuck.handler }, 200);
    const client = startClient();
    const answer = call(client, 'probe.stuck');
    await stuck.started;
    // Settled meanwhile: the caller learns that the replica is gone while close() still runs.
    const outcome = answer.then(
      () => 'answered',
      (error: unknown) => error,
    );

    await server.close(); // bounded: resolves though the handler never returns

    expect(await outcome).toMatchObject({ code: 'UNAVAILABLE' });
  }, 30_000);

  it('leaves a request published after stopTakingWork to the other replica', async () => {
    const answeredBy = (name: string, calls: string[]) =>
      (async () => {
        calls.push(name);
        return name;
      }) as unknown as MessageHandler;
    const calls: string[] = [];
    const stopping = await startServer({ 'probe.who': answeredBy('stopping', calls) });
    await startServer({ 'probe.who': answeredBy('staying', calls) });
    const client = startClient();

    stopping.stopTakingWork();
    await eventually(async () => expect(await subscribers('probe.who')).toBe(1));

    await expect(call(client, 'probe.who')).resolves.toBe('staying');
    expect(calls).toEqual(['staying']);
    expect(() => stopping.stopTakingWork()).not.toThrow(); // Nest's close() calls it again
  }, 30_000);

  it('answers UnavailableError (shutting-down), without running it, a request delivered before it unsubscribed', async () => {
    const ran: string[] = [];
    const server = await startServer({
      'probe.echo': (async (data: { id: string }) => ran.push(data.id)) as unknown as MessageHandler,
    });
    const replies = new Redis(redis.url);
    cleanups.push(() => replies.disconnect());
    const reply = new Promise<unknown>((resolve) => replies.on('message', (_channel, message) => resolve(message)));
    await replies.subscribe('probe.echo.reply');
    const [, subscriber] = server.unwrap<[Redis, Redis]>();
    // The replica reads nothing for now: what Redis delivers to it waits in its socket.
    subscriber.stream.pause();
    const request = {
      id: 'late',
      pattern: 'probe.echo',
      data: { id: 'late' },
      metadata: packet('probe.echo').metadata,
    };
    // One receiver: Redis has handed the request to the replica, before the unsubscription below.
    expect(await admin.publish('probe.echo', JSON.stringify(request))).toBe(1);

    server.stopTakingWork();
    subscriber.stream.resume();

    expect(JSON.parse((await reply) as string)).toMatchObject({
      id: 'late',
      status: 'error',
      err: { code: 'UNAVAILABLE', details: { reason: 'shutting-down' } },
    });
    expect(ran).toEqual([]);
  }, 30_000);

  it('takes part in stopTakingWork(app), which a process calls when it is asked to stop', async () => {
    const endpoint = { transport: 'redis' as const, mode: 'pubsub' as const, url: redis.url };
    const moduleRef = await Test.createTestingModule({
      imports: [
        ProbeAppModule.with({
          hosted: CALLEE_MODULES,
          endpoints: Object.fromEntries(CALLEE_MODULES.map((module) => [module, endpoint])),
          bus: new InProcessBus(),
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    cleanups.push(() => app.close());
    await startSeamServers(app);
    const channel = ProbeContract.echo.pattern;
    expect(await subscribers(channel)).toBe(1);

    stopTakingWork(app);

    await eventually(async () => expect(await subscribers(channel)).toBe(0));
  }, 60_000);
});
