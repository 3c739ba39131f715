import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthorizePayment, PaymentsContract } from '@contracts/payments';
import { eventually } from '@seam/testing';
import {
  AUTH_METADATA_KEY,
  authRejections,
  EnvelopeAuth,
  LINK_FRAME_KEY,
  MeshKeys,
  proveLink,
  type SeamClient,
  type SeamError,
} from '@seam/transport';
import { Redis } from 'ioredis';
import { redisUnavailableReason } from '../support/redis-server.js';
import { RawTcpPeer } from './support/raw-tcp-peer.js';
import { replayOverRedis, replayOverTcp } from './support/replay.js';
import { type RogueSystem, securityCounters, startRogueSystem } from './support/rogue-system.js';

// Rogue callers against a real split system (payments extracted over TCP, then over Redis
// streams; orders, its one legitimate caller, in the monolith): every forgery is refused with a
// typed error or a closed connection, nothing reaches a handler (so nothing changes in payments'
// database), /metrics counts it by reason, and the service answers the next honest call.

const AUTHORIZE = PaymentsContract.authorizePayment.pattern;
/** What a client dialling the payments service proves pairs for. */
const PAYMENTS = new Set(['payments']);

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
      // Forgeries are counted by reason; a caller the allow-list refuses is not a forgery, and is
      // counted as a denied call of the pattern instead.
      const counted =
        reason === undefined
          ? after.denied(AUTHORIZE) > before.denied(AUTHORIZE)
          : after.refused(reason) > before.refused(reason);
      expect({ code, reason, counted }).toEqual({ code, reason, counted: true });
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

    // A Seam client proves its keys once per TCP connection (the link handshake), and signs each
    // envelope on Redis: a wrong key fails the one or the other.
    const forged = transport === 'tcp' ? 'link-refused' : 'bad-signature';

    it(`a wrong key: UNAUTHENTICATED (${forged})`, async () => {
      const rogue = await system.clientAs('orders', new EnvelopeAuth({ keys: forgedKeys(randomBytes(32)) }));
      await expectRefused(
        () => rogue.send(PaymentsContract.authorizePayment, authorization()),
        'UNAUTHENTICATED',
        forged,
      );
    });

    it(`another module's key, naming orders (catalog's key with payments): UNAUTHENTICATED (${forged})`, async () => {
      const catalogsKey = system.processes.meshKeysAs('catalog').key('test', 'catalog', 'payments')!.export();
      const rogue = await system.clientAs('orders', new EnvelopeAuth({ keys: forgedKeys(catalogsKey) }));
      await expectRefused(
        () => rogue.send(PaymentsContract.authorizePayment, authorization()),
        'UNAUTHENTICATED',
        forged,
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
      if (transport === 'redis') {
        const rogue = await system.clientAs('orders', late);
        await expectRefused(
          () => rogue.send(PaymentsContract.authorizePayment, authorization()),
          'UNAUTHENTICATED',
          'stale',
        );
        return;
      }
      // Over TCP, only envelopes signed one by one (a stock Nest client's) carry a timestamp.
      const data = authorization();
      const metadata: Record<string, string> = { 'seam-caller': 'orders', 'seam-budget-ms': '10000' };
      metadata[AUTH_METADATA_KEY] = late.sign('orders', ['payments'], { pattern: AUTHORIZE, data, metadata }).header;
      await expectRefused(
        async () => {
          const [reply] = await replayOverTcp(system, { pattern: AUTHORIZE, data, metadata }, 1);
          throw reply!.err;
        },
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
      it('a link proof replayed on another connection is refused (link-refused) and the connection closed', async () => {
        const { port } = system.payments as { port: number };
        const first = await RawTcpPeer.open(port);
        const copy = await RawTcpPeer.open(port);
        try {
          const answer = proveLink(system.processes.meshKeysAs('orders'), await first.linkFrame(0), '', PAYMENTS)!;
          await first.send({ [LINK_FRAME_KEY]: answer.proof });
          expect(answer.check(await first.linkFrame(1))).toBeDefined();
          await copy.linkFrame(0);
          const before = await securityCounters(system.paymentsUrl);
          await copy.send({ [LINK_FRAME_KEY]: answer.proof });
          expect(await copy.linkFrame(1)).toMatchObject({ refused: true });
          await copy.closedWithin(10_000);
          expect((await securityCounters(system.paymentsUrl)).refused('link-refused')).toBe(
            before.refused('link-refused') + 1,
          );
        } finally {
          first.destroy();
          copy.destroy();
        }
      });

      it('a linked connection speaks only for the pairs it proved: another caller on it is refused (not-linked)', async () => {
        const { port } = system.payments as { port: number };
        const peer = await RawTcpPeer.open(port);
        try {
          const answer = proveLink(system.processes.meshKeysAs('orders'), await peer.linkFrame(0), '', PAYMENTS)!;
          await peer.send({ [LINK_FRAME_KEY]: answer.proof });
          await peer.linkFrame(1);
          const before = await securityCounters(system.paymentsUrl);
          const packet = (caller: string, id: string) => ({
            id,
            pattern: PaymentsContract.findOrderPayments.pattern,
            data: { orderId: randomUUID() },
            metadata: { 'seam-caller': caller, 'seam-budget-ms': '10000' },
          });
          expect((await peer.call(packet('edge', 'as-edge'), 15_000)).json).toMatchObject({
            err: { code: 'UNAUTHENTICATED', details: { reason: 'not-linked' } },
          });
          expect((await peer.call(packet('orders', 'as-orders'), 15_000)).json).toMatchObject({
            response: { payments: [] },
          });
          const after = await securityCounters(system.paymentsUrl);
          expect(after.refused('not-linked')).toBe(before.refused('not-linked') + 1);
        } finally {
          peer.destroy();
        }
      });

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
