import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthorizePayment, PaymentsContract } from '@contracts/payments';
import { eventually } from '@seam/testing';
import {
  AUTH_METADATA_KEY,
  authRejections,
  EnvelopeAuth,
  MeshKeys,
  type SeamClient,
  type SeamError,
} from '@seam/transport';
import { Redis } from 'ioredis';
import { redisUnavailableReason } from '../support/redis-server.js';
import { RawTcpPeer } from './support/raw-tcp-peer.js';
import { RedisTap } from './support/redis-tap.js';
import { type RogueSystem, securityCounters, startRogueSystem } from './support/rogue-system.js';

// Rogue callers against a real split system (payments extracted over TCP, then over Redis
// streams; orders, its one legitimate caller, in the monolith): every forgery is refused with a
// typed error or a closed connection, nothing reaches a handler (so nothing changes in payments'
// database), /metrics counts it by reason, and the service answers the next honest call.

const AUTHORIZE = PaymentsContract.authorizePayment.pattern;

function authorization(): AuthorizePayment {
  return {
    idempotencyKey: `rogue-${randomUUID()}`,
    orderId: randomUUID(),
    amount: { amount: 1_000, currency: 'EUR' },
    cardNumber: '4242424242424242',
  };
}

const failureOf = (call: Promise<unknown>) =>
  call.then(
    (value) => ({ unexpectedAnswer: value }),
    (error: unknown) => error as SeamError,
  );

/** Mesh keys holding `secret` as the orders~payments key: a forger's key ring. */
const forgedKeys = (secret: Buffer) =>
  MeshKeys.from({ current: 'test', keys: { test: { 'orders~payments': secret.toString('base64url') } } });

const redisSkip = redisUnavailableReason();

describe.each([
  ['TCP', 'tcp' as const, undefined],
  ['Redis streams', 'redis' as const, redisSkip],
])('rogue callers of the payments service over %s', (_name, transport, skipReason) => {
  const suite = skipReason ? describe.skip : describe;
  suite(skipReason ? `skipped: ${skipReason}` : 'real processes, authenticated envelopes', () => {
    let system: RogueSystem;
    let honest: SeamClient;

    beforeAll(async () => {
      system = await startRogueSystem(transport);
      honest = await system.clientAs('orders', new EnvelopeAuth({ keys: system.processes.meshKeysAs('orders') }));
    }, 240_000);

    afterAll(async () => {
      await system?.stop();
    }, 60_000);

    /** Runs a rogue call: refused as `code` (and `reason`), nothing handled, counted, and the next honest call served. */
    async function expectRefused(
      rogue: () => Promise<unknown>,
      code: string,
      reason: string | undefined,
    ): Promise<void> {
      const before = await securityCounters(system.paymentsUrl);
      const refused = await failureOf(rogue());
      expect(refused).toMatchObject({ code, ...(reason && { details: { reason } }) });
      const after = await securityCounters(system.paymentsUrl);
      expect(after.handled(AUTHORIZE)).toBe(before.handled(AUTHORIZE));
      // Forgeries are counted by reason; a caller the allow-list refuses is not a forgery.
      expect(reason === undefined || after.refused(reason) > before.refused(reason)).toBe(true);
      const order = randomUUID();
      await expect(honest.send(PaymentsContract.findOrderPayments, { orderId: order })).resolves.toEqual({
        payments: [],
      });
    }

    it('an honest caller (orders, with its keys) is served', async () => {
      const request = authorization();
      await expect(honest.send(PaymentsContract.authorizePayment, request)).resolves.toMatchObject({
        orderId: request.orderId,
        status: 'authorized',
      });
    });

    it('no credentials: UNAUTHENTICATED (missing)', async () => {
      const rogue = await system.clientAs('orders');
      await expectRefused(
        () => rogue.send(PaymentsContract.authorizePayment, authorization()),
        'UNAUTHENTICATED',
        'missing',
      );
    });

    it('a wrong key: UNAUTHENTICATED (bad-signature)', async () => {
      const rogue = await system.clientAs('orders', new EnvelopeAuth({ keys: forgedKeys(randomBytes(32)) }));
      await expectRefused(
        () => rogue.send(PaymentsContract.authorizePayment, authorization()),
        'UNAUTHENTICATED',
        'bad-signature',
      );
    });

    it("another module's key, naming orders (catalog's key with payments): UNAUTHENTICATED (bad-signature)", async () => {
      const catalogsKey = system.processes.meshKeysAs('catalog').key('test', 'catalog', 'payments')!.export();
      const rogue = await system.clientAs('orders', new EnvelopeAuth({ keys: forgedKeys(catalogsKey) }));
      await expectRefused(
        () => rogue.send(PaymentsContract.authorizePayment, authorization()),
        'UNAUTHENTICATED',
        'bad-signature',
      );
    });

    it('an authenticated module the contract does not name (the edge, with its own keys): PERMISSION_DENIED', async () => {
      const edge = await system.clientAs('edge', new EnvelopeAuth({ keys: system.processes.meshKeysAs('edge') }));
      await expectRefused(
        () => edge.send(PaymentsContract.authorizePayment, authorization()),
        'PERMISSION_DENIED',
        undefined,
      );
    });

    it('an old timestamp (a valid signature from two minutes ago): UNAUTHENTICATED (stale)', async () => {
      const late = new EnvelopeAuth({ keys: system.processes.meshKeysAs('orders'), now: () => Date.now() - 120_000 });
      const rogue = await system.clientAs('orders', late);
      await expectRefused(
        () => rogue.send(PaymentsContract.authorizePayment, authorization()),
        'UNAUTHENTICATED',
        'stale',
      );
    });

    it('a valid envelope replayed: the first is served once, the copy is refused (replay) and changes nothing', async () => {
      const orders = new EnvelopeAuth({ keys: system.processes.meshKeysAs('orders') });
      const data = authorization();
      const metadata: Record<string, string> = { 'seam-caller': 'orders', 'seam-budget-ms': '10000' };
      metadata[AUTH_METADATA_KEY] = orders.sign('orders', ['payments'], { pattern: AUTHORIZE, data, metadata }).header;
      const before = await securityCounters(system.paymentsUrl);
      const [first, copy] = await (transport === 'tcp' ? replayOverTcp : replayOverRedis)(system, {
        pattern: AUTHORIZE,
        data,
        metadata,
      });
      expect(first).toMatchObject({ response: { orderId: data.orderId, status: 'authorized' } });
      expect(copy).toMatchObject({ err: { code: 'UNAUTHENTICATED', details: { reason: 'replay' } } });
      const after = await securityCounters(system.paymentsUrl);
      expect(after.handled(AUTHORIZE)).toBe(before.handled(AUTHORIZE) + 1);
      expect(after.refused('replay')).toBe(before.refused('replay') + 1);
      const recorded = await honest.send(PaymentsContract.findOrderPayments, { orderId: data.orderId });
      expect(recorded.payments).toHaveLength(1);
    });

    if (transport === 'tcp') {
      it('partial frames and silent connections (slowloris) are closed by the deadline; honest calls go on meanwhile', async () => {
        const { port } = system.payments as { port: number };
        const peers = await Promise.all(Array.from({ length: 20 }, () => RawTcpPeer.open(port)));
        await Promise.all(peers.slice(0, 10).map((peer) => peer.write('1000#{"pattern":"payments.')));
        const order = randomUUID();
        await expect(honest.send(PaymentsContract.findOrderPayments, { orderId: order })).resolves.toMatchObject({
          payments: [],
        });
        // Frame deadline 5 s from the first byte; first-frame timeout 10 s for a silent connection.
        await Promise.all(peers.map((peer) => peer.closedWithin(30_000)));
        const output = system.processes.replicas('payments')[0]!.process.output();
        expect(output).toMatch(/dropped .*(frame-deadline|first-frame-timeout)/);
      }, 60_000);
    } else {
      it('a forged "down" heartbeat for every payments replica is not believed: calls keep being served', async () => {
        const redis = new Redis(system.redis!.url);
        try {
          const consumers = (await redis.xinfo('CONSUMERS', 'seam:rq:payments', 'payments')) as unknown[][];
          const replicas = consumers.map((fields) => String(fields[fields.indexOf('name') + 1]));
          expect(replicas.length).toBeGreaterThan(0);
          const refusedHere = authRejections.count('missing');
          for (const replica of replicas)
            await redis.publish('seam:hb:payments', JSON.stringify({ replica, state: 'down' }));
          // This process's client watches payments' heartbeats too: it drops the unsigned beats.
          await eventually(() => expect(authRejections.count('missing')).toBeGreaterThan(refusedHere));
          const order = randomUUID();
          await expect(honest.send(PaymentsContract.findOrderPayments, { orderId: order })).resolves.toMatchObject({
            payments: [],
          });
        } finally {
          redis.disconnect();
        }
      });
    }
  });
});

interface RawPacket {
  pattern: string;
  data: unknown;
  metadata: Record<string, string>;
}

/** Sends one signed packet twice on a bare connection (new ids: only the envelope repeats). */
async function replayOverTcp(system: RogueSystem, packet: RawPacket): Promise<Array<Record<string, unknown>>> {
  const peer = await RawTcpPeer.open((system.payments as { port: number }).port);
  try {
    const first = await peer.call({ ...packet, id: 'first' }, 15_000);
    const copy = await peer.call({ ...packet, id: 'copy' }, 15_000);
    return [first.json, copy.json];
  } finally {
    peer.destroy();
  }
}

/** Appends one signed packet twice to payments' request stream, listening on a reply channel of its own. */
async function replayOverRedis(system: RogueSystem, packet: RawPacket): Promise<Array<Record<string, unknown>>> {
  const replyTo = `seam:rp:rogue-${randomUUID()}`;
  const tap = await RedisTap.open(system.redis!.url, [replyTo]);
  const redis = new Redis(system.redis!.url);
  try {
    for (const id of ['first', 'copy'])
      await redis.xadd('seam:rq:payments', '*', 'p', JSON.stringify({ ...packet, id, replyTo }));
    await eventually(() => expect(tap.replies(replyTo)).toHaveLength(2), { timeoutMs: 15_000 });
    const byId = new Map(tap.replies(replyTo).map((reply) => [reply.id, reply as Record<string, unknown>]));
    return [byId.get('first')!, byId.get('copy')!];
  } finally {
    redis.disconnect();
    await tap.close();
  }
}
