// A Redis client handed a request or an event before it can send it (its connections not up yet)
// sends it later: what goes out must be the payload as the caller handed it over, not what the
// caller has made of that object by then — in process a call is copied as it is made, and a
// connected client encodes it before `request()` returns. A caller that reuses its object (a
// builder, a buffer of lines) would otherwise send something it never asked for.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import {
  type CallMetadata,
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

const REQUEST_EXTRAS = { seam: { kind: 'request', owner: 'probe', access: { callers: ['*'] } } };
const EVENT_EXTRAS = { seam: { kind: 'event', owner: 'tester', subscriber: 'probe' } };
const EVENT = 'tester.lines.changed';

interface Listening {
  listen(callback: (error?: unknown) => void): unknown;
  addHandler(pattern: string, handler: MessageHandler, isEvent: boolean, extras: Record<string, unknown>): void;
  close(): Promise<void>;
}

const transports = [
  [
    'streams',
    (url: string) => new RedisStreamsServer({ url, hosted: ['probe'] }),
    (url: string) => new RedisStreamsClient({ url }),
  ],
  [
    'pubsub',
    (url: string) => new SeamRedisPubSubServer({ url, hosted: ['probe'] }),
    (url: string) => new SeamRedisPubSubClient({ url }),
  ],
] as const;

const packet = (pattern: string, data: unknown): OutgoingPacket => ({
  pattern,
  data,
  metadata: { traceparent: '', 'seam-caller': 'tester', 'seam-budget-ms': '20000' } as CallMetadata,
  module: 'probe',
});

suite.each(transports)(
  `Redis %s client, a payload changed after it was handed over${skipReason ? ` — skipped: ${skipReason}` : ''}`,
  (_mode, serverAt, clientAt) => {
    let redis: PrivateRedis;
    let server: Listening;
    const delivered: unknown[] = [];
    const cleanups: Array<() => unknown> = [];

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      server = serverAt(redis.url) as Listening;
      server.addHandler('probe.echo', (async (data: unknown) => data) as MessageHandler, false, REQUEST_EXTRAS);
      server.addHandler(
        EVENT,
        (async (data: unknown) => void delivered.push(data)) as MessageHandler,
        true,
        EVENT_EXTRAS,
      );
      await new Promise<void>((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
    }, 60_000);

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).toReversed()) await cleanup();
    });

    afterAll(async () => {
      await server?.close();
      await redis?.stop();
    });

    const echo = (client: SeamTransportClient, data: unknown): Promise<unknown> =>
      new Promise((resolve, reject) =>
        client.request(packet('probe.echo', data), (error, response) =>
          error === undefined ? resolve(response) : reject(error as SeamError),
        ),
      );

    /** A client whose connections wait at a proxy until `release` is called. */
    async function heldClient(): Promise<{ client: SeamTransportClient; release(): Promise<void> }> {
      const proxy = await RedisProxy.start(redis.port);
      cleanups.push(() => proxy.stop());
      proxy.hold();
      const client = clientAt(proxy.url);
      cleanups.push(() => client.close());
      return {
        client,
        release: async () => {
          await eventually(() => expect(proxy.holding).toBeGreaterThanOrEqual(2)); // both connections wait
          proxy.forward();
        },
      };
    }

    it('sends a request made before it is connected as it was when made', async () => {
      const { client, release } = await heldClient();
      const lines = { lines: ['first'] };
      const answer = echo(client, lines);
      lines.lines.push('added later');
      await release();
      lines.lines.push('added once connected');

      await expect(answer).resolves.toEqual({ lines: ['first'] });
    }, 30_000);

    it('sends a request made while connected as it was when made', async () => {
      const client = clientAt(redis.url);
      cleanups.push(() => client.close());
      await echo(client, { lines: [] }); // connected, the callee known
      const lines = { lines: ['first'] };
      const answer = echo(client, lines);
      lines.lines.push('added later');

      await expect(answer).resolves.toEqual({ lines: ['first'] });
    }, 30_000);

    it('publishes an event emitted before it is connected as it was when emitted', async () => {
      const { client, release } = await heldClient();
      const lines = { lines: ['first'] };
      const published = client.publishEvent(packet(EVENT, lines));
      lines.lines.push('added later');
      await release();
      lines.lines.push('added once connected');
      await published;

      await eventually(() => expect(delivered).toEqual([{ lines: ['first'] }]));
      delivered.length = 0;
    }, 30_000);
  },
);
