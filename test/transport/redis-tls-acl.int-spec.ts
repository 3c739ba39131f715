// Seam's Redis streams transport against a real redis-server that speaks TLS only, with ACL users
// made by redisAclFor: calls, events and heartbeats work over rediss:// for users holding exactly
// the rules the helper gives; plain redis://, a wrong password, and a user whose rules name other
// modules are refused with a clear Unavailable that never quotes the password.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import {
  type CallMetadata,
  type Endpoint,
  InProcessBus,
  redisAclFor,
  redisConnectionOptions,
  type RedisAclSubject,
  RedisStreamsClient,
  SeamClient,
  SeamRedisPubSubClient,
  SeamRedisPubSubServer,
  type SeamError,
  type SeamRedisSecurity,
  TransportRouter,
} from '@seam/transport';
import { eventually } from '@seam/testing';
import { Redis } from 'ioredis';
import { CALLEE_MODULES } from '../parity/fixtures/probe-app.module.js';
import { startProbeApps } from './support/probe-apps.js';
import { ListenerAContract } from '../parity/fixtures/listener.contract.js';
import { ProbeContract } from '../parity/fixtures/probe.contract.js';
import { redisUnavailableReason } from '../support/redis-server.js';
import { PrivateTlsRedis } from '../support/private-tls-redis.js';
import { opensslUnavailableReason, TestPki } from '../support/test-pki.js';

const skipReason = redisUnavailableReason() ?? opensslUnavailableReason();
const suite = skipReason ? describe.skip : describe;

/** Far beyond a loaded 2-core machine's TLS handshakes and stalls; failures come much sooner. */
const DEADLINE_MS = 15_000;
const METADATA = { traceparent: '', 'seam-caller': 'caller-app', 'seam-budget-ms': '10000' } as CallMetadata;

const CALLEE: RedisAclSubject = {
  username: 'seam-probe',
  password: 'callee-password-0123456789abcdef',
  hosts: CALLEE_MODULES,
  subscribes: ['probe.ping.sent'],
};
const CALLER: RedisAclSubject = {
  username: 'seam-caller-app',
  password: 'caller-password-0123456789abcdef',
  hosts: [],
  calls: CALLEE_MODULES,
  publishes: ['probe.ping.sent'],
};
/** Rules for another module: may serve and call `billing` only. */
const STRANGER: RedisAclSubject = {
  username: 'seam-billing',
  password: 'stranger-password-0123456789abcd',
  hosts: ['billing'],
  calls: ['billing'],
};

function requestThrough(client: RedisStreamsClient, text: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    client.request(
      { pattern: 'probe.echo-message', data: { text, count: 1 }, metadata: METADATA },
      (error, response) => (error === undefined ? resolve(response) : reject(error as SeamError)),
    );
  });
}

suite(`Seam Redis streams over TLS with ACL users${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let pki: TestPki;
  let redis: PrivateTlsRedis;
  let admin: Redis;
  let callee: INestApplication | undefined;
  let caller: INestApplication | undefined;
  const clients: RedisStreamsClient[] = [];
  const securityOf = (user: RedisAclSubject): SeamRedisSecurity => ({
    username: user.username,
    password: user.password,
    tls: { ca: pki.ca.cert },
  });
  const clientWith = (url: string, security?: SeamRedisSecurity) => {
    const client = new RedisStreamsClient({ url, security });
    clients.push(client);
    return client;
  };
  const deniedFor = async (username: string) =>
    ((await admin.call('ACL', 'LOG')) as unknown[][])
      .map((entry) => Object.fromEntries(chunk(entry)))
      .filter((entry) => entry.username === username);

  beforeAll(async () => {
    pki = TestPki.create('redis-tls');
    redis = await PrivateTlsRedis.start(pki);
    admin = await redis.admin();
    for (const user of [CALLEE, CALLER, STRANGER]) {
      const { username, rules } = redisAclFor(user);
      await admin.call('ACL', 'SETUSER', username, ...rules);
    }
    const endpoint: Endpoint = { transport: 'redis', url: redis.url, mode: 'streams' };
    const endpoints = Object.fromEntries(CALLEE_MODULES.map((module) => [module, endpoint]));
    ({ callee, caller } = await startProbeApps({
      callee: { hosted: CALLEE_MODULES, endpoints, bus: new InProcessBus(), redis: securityOf(CALLEE) },
      caller: { hosted: [], endpoints, bus: new InProcessBus(), redis: securityOf(CALLER) },
    }));
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await caller?.close();
    await callee?.close();
    admin?.disconnect();
    await redis?.stop();
    pki?.remove();
  }, 30_000);

  it('serves a call, delivers an event and carries heartbeats over rediss:// with the helper-made users', async () => {
    const client = caller!.get(SeamClient);
    await expect(
      client.send(ProbeContract.echo, { text: 'over TLS', count: 2 }, { timeoutMs: DEADLINE_MS }),
    ).resolves.toEqual({ text: 'over TLS', count: 2 });
    // Published as its owner would (the helper's `publishes` names the pattern).
    await new SeamClient(caller!.get(TransportRouter), 'probe').emit(ProbeContract.pingSent, {
      id: 'tls-1',
      text: 'hi',
    });
    await eventually(
      async () => {
        const received = await client.send(ListenerAContract.listReceived, {}, { timeoutMs: DEADLINE_MS });
        expect(received.pings).toContainEqual({ id: 'tls-1', text: 'hi' });
      },
      { timeoutMs: DEADLINE_MS, intervalMs: 200 },
    );
    // Heartbeats reach Redis, and presence is held, under the callee's user.
    const [, beating] = (await admin.call('PUBSUB', 'NUMSUB', 'seam:pr:m:probe')) as [string, number];
    expect(beating).toBeGreaterThanOrEqual(1);
    const clientsList = String(await admin.call('CLIENT', 'LIST'));
    expect(clientsList).toMatch(/user=seam-probe/);
    expect(clientsList).toMatch(/user=seam-caller-app/);
    expect(clientsList).not.toMatch(/user=default/);
    // Nothing either user did was refused: the rules are enough, not merely enough to get by.
    expect(await deniedFor(CALLEE.username)).toEqual([]);
    expect(await deniedFor(CALLER.username)).toEqual([]);
  });

  it("connects the pub/sub transport (Nest's Redis client and server) over TLS as the given user", async () => {
    const user = { username: 'seam-pubsub-check', password: 'pubsub-password-0123456789abcdef' };
    await admin.call('ACL', 'SETUSER', user.username, 'reset', 'on', `>${user.password}`, '~*', '&*', '+@all');
    const security = { ...user, tls: { ca: pki.ca.cert } };
    const server = new SeamRedisPubSubServer({ hosted: ['tls-pubsub'], url: redis.url, security });
    const client = new SeamRedisPubSubClient({ url: redis.url, security });
    try {
      await new Promise<void>((resolve, reject) => void server.listen((error) => (error ? reject(error) : resolve())));
      await client.connect();
      // The port speaks TLS only: every connection listed here is TLS, and it is logged in as the user.
      await eventually(async () => {
        const connections = String(await admin.call('CLIENT', 'LIST')).split('\n');
        // Server: publisher + subscriber; client: publisher + subscriber.
        expect(connections.filter((line) => line.includes(`user=${user.username}`)).length).toBeGreaterThanOrEqual(4);
      });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('fails a plain redis:// client on the TLS port with a clear Unavailable', async () => {
    const plain = clientWith(redis.url.replace('rediss:', 'redis:'), {
      username: CALLER.username,
      password: CALLER.password,
    });
    const error = (await requestThrough(plain, 'plain').catch((caught: unknown) => caught)) as SeamError;
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(`redis://127.0.0.1:${redis.port}`),
    });
    expect(error.message).not.toContain(CALLER.password);
  });

  it('refuses a wrong password, without quoting it', async () => {
    const wrong = clientWith(redis.url, { ...securityOf(CALLER), password: 'not-the-password-at-all-42' });
    const error = (await requestThrough(wrong, 'wrong').catch((caught: unknown) => caught)) as SeamError;
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/WRONGPASS/) });
    expect(error.message).not.toContain('not-the-password-at-all-42');
    const direct = new Redis({
      ...redisConnectionOptions(redis.url, { ...securityOf(CALLER), password: 'not-the-password-at-all-42' }),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const reasons: string[] = [];
    direct.on('error', (cause: Error) => reasons.push(cause.message));
    try {
      await expect(direct.connect()).rejects.toThrow(/closed/i);
      expect(reasons.join('\n')).toMatch(/WRONGPASS/);
    } finally {
      direct.disconnect();
    }
  });

  it('refuses a user whose rules name another module: it can neither call ours, read our requests nor listen to replies', async () => {
    const stranger = clientWith(redis.url, securityOf(STRANGER));
    const error = (await requestThrough(stranger, 'sneaky').catch((caught: unknown) => caught)) as SeamError;
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/NOPERM/) });
    const direct = await redis.admin();
    try {
      await direct.call('AUTH', STRANGER.username, STRANGER.password);
      await expect(direct.xrange('seam:rq:probe', '-', '+')).rejects.toThrow(/NOPERM/);
      await expect(direct.call('PUBSUB', 'CHANNELS')).rejects.toThrow(/NOPERM/);
      await expect(direct.keys('*')).rejects.toThrow(/NOPERM/);
      // Nor listen to other callers' replies: reply channels are 128 random bits and a pattern
      // subscription, the one way to catch them without the name, is not among its commands.
      await expect(direct.psubscribe('seam:rp:*')).rejects.toThrow(/NOPERM/);
    } finally {
      direct.disconnect();
    }
    // Our own users still work.
    await expect(
      caller!.get(SeamClient).send(ProbeContract.echo, { text: 'still', count: 1 }, { timeoutMs: DEADLINE_MS }),
    ).resolves.toEqual({ text: 'still', count: 1 });
  });
});

function chunk(entry: unknown[]): Array<[string, unknown]> {
  const pairs: Array<[string, unknown]> = [];
  for (let index = 0; index + 1 < entry.length; index += 2) pairs.push([String(entry[index]), entry[index + 1]]);
  return pairs;
}
