// A request handed to a Redis client before its connections are up leaves once they are (and its
// reply channel is subscribed): the callee must be told the time left by then, not the budget the
// call started with, or it works on after its caller gave up. The envelope is signed as it leaves,
// so the budget it states is the one the signature covers (the callee checks it).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { BaseRpcContext, MessageHandler } from '@nestjs/microservices';
import {
  type CallMetadata,
  deriveMeshKeys,
  EnvelopeAuth,
  MeshKeys,
  type OutgoingPacket,
  RedisStreamsClient,
  RedisStreamsServer,
  type SeamError,
  SeamRedisPubSubClient,
  SeamRedisPubSubServer,
  type SeamTransportClient,
} from '@seam/transport';
import { eventually } from '@seam/testing';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import { RedisProxy } from './support/redis-proxy.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;

const BUDGET_MS = 20_000;
/** How long the client's connections are kept from Redis after the call is made. */
const HELD_MS = 1_500;
const EXTRAS = { seam: { kind: 'request', owner: 'probe', access: { callers: ['*'] } } };
const MASTER = randomBytes(32);

function authOf(self: string): EnvelopeAuth {
  return new EnvelopeAuth({
    keys: MeshKeys.from(
      deriveMeshKeys({ master: MASTER, keyIds: ['k1'], self: [self], identities: ['probe', 'tester'] }),
    ),
  });
}

/** Answers with the budget the request stated on the wire. */
const statedBudget = (async (_data: unknown, context: BaseRpcContext<unknown[]>) =>
  Number((context.getArgs()[1] as CallMetadata)['seam-budget-ms'])) as unknown as MessageHandler;

interface Listening {
  listen(callback: (error?: unknown) => void): unknown;
  addHandler(pattern: string, handler: MessageHandler, isEvent: boolean, extras: Record<string, unknown>): void;
  close(): Promise<void>;
}

const transports = [
  [
    'streams',
    (url: string) => new RedisStreamsServer({ url, hosted: ['probe'], auth: authOf('probe') }),
    (url: string) => new RedisStreamsClient({ url, auth: authOf('tester') }),
  ],
  [
    'pubsub',
    (url: string) => new SeamRedisPubSubServer({ url, hosted: ['probe'], auth: authOf('probe') }),
    (url: string) => new SeamRedisPubSubClient({ url, auth: authOf('tester') }),
  ],
] as const;

suite.each(transports)(
  `Redis %s client, the budget a request states${skipReason ? ` — skipped: ${skipReason}` : ''}`,
  (_mode, serverAt, clientAt) => {
    let redis: PrivateRedis;
    let server: Listening;
    const cleanups: Array<() => unknown> = [];

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      server = serverAt(redis.url) as Listening;
      server.addHandler('probe.stated-budget', statedBudget, false, EXTRAS);
      await new Promise<void>((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
    }, 60_000);

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).toReversed()) await cleanup();
    });

    afterAll(async () => {
      await server?.close();
      await redis?.stop();
    });

    it('is what is left once the connections are up, not the budget the call started with', async () => {
      const proxy = await RedisProxy.start(redis.port);
      cleanups.push(() => proxy.stop());
      proxy.hold();
      const client: SeamTransportClient = clientAt(proxy.url);
      cleanups.push(() => client.close());
      const requestedAt = performance.now();
      const packet: OutgoingPacket = {
        pattern: 'probe.stated-budget',
        data: {},
        metadata: { traceparent: '', 'seam-caller': 'tester', 'seam-budget-ms': String(BUDGET_MS) } as CallMetadata,
        module: 'probe',
        deadline: requestedAt + BUDGET_MS,
      };
      const answer = new Promise<unknown>((resolve, reject) =>
        client.request(packet, (error, response) =>
          error === undefined ? resolve(response) : reject(error as SeamError),
        ),
      );
      await eventually(() => expect(proxy.holding).toBeGreaterThanOrEqual(2)); // its two connections wait
      await sleep(HELD_MS);
      const releasedAt = performance.now();
      proxy.forward();
      const stated = (await answer) as number;
      // At least releasedAt - requestedAt went by before the request left, however loaded the machine.
      expect(stated).toBeLessThanOrEqual(BUDGET_MS - (releasedAt - requestedAt));
      expect(stated).toBeGreaterThan(0);
      expect(packet.metadata['seam-budget-ms']).toBe(String(BUDGET_MS)); // the caller's object is left alone
    }, 30_000);
  },
);
