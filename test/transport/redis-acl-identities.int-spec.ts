// Redis ACL users vouching for callers (SeamRedisSecurity.aclIdentities), against a real
// redis-server that speaks TLS only, with users made by redisAclFor: calls and events travel
// unsigned on each caller's own stream; a module cannot write another's stream, nor speak as
// another on its own; and a process whose Redis user is not locked down refuses to start.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import {
  authRejections,
  deriveMeshKeys,
  type Endpoint,
  EnvelopeAuth,
  InProcessBus,
  MeshKeys,
  redisAclFor,
  type RedisAclSubject,
  RedisStreamsServer,
  SeamClient,
  type SeamRedisSecurity,
  TransportRouter,
} from '@seam/transport';
import { eventually } from '@seam/testing';
import type { Redis } from 'ioredis';
import { CALLEE_MODULES } from '../parity/fixtures/probe-app.module.js';
import { startProbeApps } from './support/probe-apps.js';
import { ListenerAContract } from '../parity/fixtures/listener.contract.js';
import { ProbeContract } from '../parity/fixtures/probe.contract.js';
import { redisUnavailableReason } from '../support/redis-server.js';
import { PrivateTlsRedis } from '../support/private-tls-redis.js';
import { opensslUnavailableReason, TestPki } from '../support/test-pki.js';
import { openMonitor } from '../support/redis-monitor.js';

const skipReason = redisUnavailableReason() ?? opensslUnavailableReason();
const suite = skipReason ? describe.skip : describe;

/** Far beyond a loaded 2-core machine's TLS handshakes and stalls; failures come much sooner. */
const DEADLINE_MS = 15_000;
const IDENTITIES = [...CALLEE_MODULES, 'caller-app', 'billing'];
const MASTER = randomBytes(32);

const CALLEE: RedisAclSubject = {
  username: 'seam-probe',
  password: 'callee-password-0123456789abcdef',
  hosts: CALLEE_MODULES,
  calls: CALLEE_MODULES,
  subscribes: ['probe.ping.sent'],
};
const CALLER: RedisAclSubject = {
  username: 'seam-caller-app',
  password: 'caller-password-0123456789abcdef',
  hosts: [],
  calls: CALLEE_MODULES,
  speaksAs: ['caller-app'],
};
/** Another module's process: it may call probe, as billing only. */
const BILLING: RedisAclSubject = {
  username: 'seam-billing',
  password: 'billing-password-0123456789abcde',
  hosts: ['billing'],
  calls: ['probe'],
};

/** The envelope authentication of a process speaking as `self` (its own pair keys only). */
function authOf(self: string[]): EnvelopeAuth {
  return new EnvelopeAuth({
    keys: MeshKeys.from(deriveMeshKeys({ master: MASTER, keyIds: ['k1'], self, identities: IDENTITIES })),
  });
}

suite(`Redis ACL users vouching for callers${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let pki: TestPki;
  let redis: PrivateTlsRedis;
  let admin: Redis;
  let callee: INestApplication | undefined;
  let caller: INestApplication | undefined;
  const endpoint = (): Endpoint => ({ transport: 'redis', url: redis.url, mode: 'streams' });
  const securityOf = (user: RedisAclSubject): SeamRedisSecurity => ({
    username: user.username,
    password: user.password,
    tls: { ca: pki.ca.cert },
    aclIdentities: true,
  });
  const as = async (user: RedisAclSubject): Promise<Redis> => {
    const connection = await redis.admin();
    await connection.call('AUTH', user.username, user.password);
    return connection;
  };

  beforeAll(async () => {
    pki = TestPki.create('redis-acl-identities');
    redis = await PrivateTlsRedis.start(pki);
    admin = await redis.admin();
    for (const user of [CALLEE, CALLER, BILLING]) {
      const { username, rules } = redisAclFor(user);
      await admin.call('ACL', 'SETUSER', username, ...rules);
    }
    const endpoints = Object.fromEntries(CALLEE_MODULES.map((module) => [module, endpoint()]));
    ({ callee, caller } = await startProbeApps({
      callee: {
        hosted: CALLEE_MODULES,
        endpoints,
        bus: new InProcessBus(),
        redis: securityOf(CALLEE),
        auth: authOf(CALLEE_MODULES),
      },
      caller: {
        hosted: [],
        endpoints,
        bus: new InProcessBus(),
        redis: securityOf(CALLER),
        auth: authOf(['caller-app']),
      },
    }));
  }, 60_000);

  afterAll(async () => {
    await caller?.close();
    await callee?.close();
    admin?.disconnect();
    await redis?.stop();
    pki?.remove();
  }, 30_000);

  it("serves a call on the caller's own stream, unsigned both ways, and delivers an event on the owner's stream", async () => {
    const seen: string[] = [];
    const adminForMonitor = await redis.admin();
    const monitor = await openMonitor(adminForMonitor);
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args.join(' ')));
    try {
      const client = caller!.get(SeamClient);
      await expect(
        client.send(ProbeContract.echo, { text: 'vouched', count: 2 }, { timeoutMs: DEADLINE_MS }),
      ).resolves.toEqual({ text: 'vouched', count: 2 });
      await new SeamClient(callee!.get(TransportRouter), 'probe').emit(ProbeContract.pingSent, {
        id: 'acl-1',
        text: 'hi',
      });
      await eventually(
        async () => {
          const received = await client.send(ListenerAContract.listReceived, {}, { timeoutMs: DEADLINE_MS });
          expect(received.pings).toContainEqual({ id: 'acl-1', text: 'hi' });
        },
        { timeoutMs: DEADLINE_MS, intervalMs: 200 },
      );
    } finally {
      monitor.disconnect();
      adminForMonitor.disconnect();
    }
    const appended = seen.filter((command) => command.startsWith('xadd seam:rq:probe'));
    expect(appended.length).toBeGreaterThan(0);
    expect(appended.every((command) => command.startsWith('xadd seam:rq:probe:caller-app '))).toBe(true);
    expect(appended.join('\n')).not.toContain('seam-auth');
    const events = seen.filter((command) => command.startsWith('xadd seam:ev:probe.ping.sent '));
    expect(events).toHaveLength(1);
    expect(events[0]).not.toContain('seam-auth');
    const replies = seen.filter((command) => command.startsWith('publish seam:rp:'));
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.join('\n')).not.toMatch(/"auth"/);
  });

  it("refuses billing's user appending to caller-app's stream, and a request on billing's own stream that claims another caller", async () => {
    const billing = await as(BILLING);
    try {
      await expect(billing.xadd('seam:rq:probe:caller-app', '*', 'p', '{}')).rejects.toThrow(/NOPERM/);
      await expect(billing.xadd('seam:rq:probe:probe', '*', 'p', '{}')).rejects.toThrow(/NOPERM/);
      // Its own stream, naming caller-app in the envelope: the stream says billing, and the pair
      // billing → probe is all that stream vouches for.
      const before = authRejections.count('not-linked');
      const replies = await redis.admin();
      const replyTo = `seam:rp:${randomBytes(16).toString('hex')}`;
      const answers: string[] = [];
      replies.on('message', (_channel: string, message: string) => answers.push(message));
      await replies.subscribe(replyTo);
      const packet = {
        id: randomBytes(16).toString('hex'),
        pattern: 'probe.echo-message',
        data: { text: 'forged', count: 1 },
        metadata: { 'seam-caller': 'caller-app', 'seam-budget-ms': '5000' },
        replyTo,
      };
      await billing.xadd('seam:rq:probe:billing', '*', 'p', JSON.stringify(packet));
      await eventually(() => expect(answers).toHaveLength(1), { timeoutMs: DEADLINE_MS });
      expect(JSON.parse(answers[0]!)).toMatchObject({ id: packet.id, err: { code: 'UNAUTHENTICATED' } });
      expect(authRejections.count('not-linked')).toBe(before + 1);
      replies.disconnect();
    } finally {
      billing.disconnect();
    }
  });

  it("refuses billing's user a presence subscription of probe's replicas, which would keep dead ones counted alive", async () => {
    const channels = (await admin.call('PUBSUB', 'CHANNELS', 'seam:pr:r:*')) as string[];
    expect(channels.length).toBeGreaterThan(0); // the callee's replicas hold theirs
    for (const channel of channels) {
      const billing = await as(BILLING);
      try {
        await expect(billing.subscribe(channel)).rejects.toThrow(/NOPERM/);
      } finally {
        billing.disconnect();
      }
    }
    const billing = await as(BILLING);
    try {
      await expect(billing.subscribe('seam:pr:r:billing:replica-1')).resolves.toBe(1); // its own module's
    } finally {
      billing.disconnect();
    }
  });

  it('refuses to start a server whose Redis user may write outside its rules, or when Redis lets anyone in', async () => {
    const loose = { username: 'seam-loose', password: 'loose-password-0123456789abcdef' };
    await admin.call('ACL', 'SETUSER', loose.username, 'reset', 'on', `>${loose.password}`, '~*', '&*', '+@all');
    const start = async (security: SeamRedisSecurity) => {
      const server = new RedisStreamsServer({
        hosted: ['billing'],
        url: redis.url,
        security,
        auth: authOf(['billing']),
      });
      try {
        await new Promise<void>(
          (resolve, reject) => void server.listen((error) => (error ? reject(error) : resolve())),
        );
      } finally {
        await server.close(0);
      }
    };
    await expect(start({ ...securityOf(BILLING), ...loose })).rejects.toThrow(
      /user "seam-loose" may write "seam:acl-probe:[0-9a-f]+", outside Seam's rules/,
    );
    await admin.call('ACL', 'SETUSER', 'default', 'on', 'nopass', '~*', '&*', '+@all');
    try {
      await expect(start(securityOf(BILLING))).rejects.toThrow(/a connection without credentials may write/);
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', 'reset', 'off');
    }
    await expect(start(securityOf(BILLING))).resolves.toBeUndefined();
  });
});
