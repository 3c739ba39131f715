import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthorizePayment, PaymentsContract } from '@contracts/payments';
import { eventually, handledCallsAt, type TopologyProcess } from '@seam/testing';
import { UnavailableError } from '@seam/transport';
import { type SeamCaller, seamCallerOf } from '../support/seam-caller.js';
import type { ProcessShopSystem } from '../support/topology-target.js';

/**
 * The fake provider's slow card: authorizing takes `PAYMENTS_FAKE_SLOW_MS` (4,000 ms in the
 * topology suites, see topology-target.ts: long enough to be in flight at the signal on a loaded
 * machine, short enough to be drained well within {@link EXIT_WITHIN_MS}).
 */
const SLOW_CARD = '4000000000000259';
const APPROVED_CARD = '4242424242424242';
const AUTHORIZE = PaymentsContract.authorizePayment.pattern;
/** A service must be gone this long after SIGTERM at the latest (`SHUTDOWN_DEADLINE_MS`). */
const EXIT_WITHIN_MS = 10_000;

const authorization = (cardNumber: string): AuthorizePayment => ({
  idempotencyKey: `shutdown-${randomUUID()}`,
  orderId: randomUUID(),
  amount: { amount: 1_000, currency: 'EUR' },
  cardNumber,
});

const authorizationsAt = async (replica: TopologyProcess) => (await handledCallsAt(replica.url)).get(AUTHORIZE) ?? 0;

/** What the process printed after it logged the signal. */
const afterSignal = (replica: TopologyProcess) => replica.process.output().split('SIGTERM: no new work')[1] ?? '';

/**
 * SIGTERM to a payments service replica while authorizations are in flight (the slow card),
 * with a second replica behind Redis streams. What must hold: the calls it had taken complete
 * (the server stops reading, drains, and only then closes); calls sent once it has stopped
 * reading go to the other replica only, so no handler starts on it after its server closed; it
 * exits within {@link EXIT_WITHIN_MS}; and it logs no error on the way (a handler running into
 * a closed database would).
 */
export function drainingShutdownChecks(system: () => ProcessShopSystem): void {
  describe('SIGTERM to a payments replica (Redis streams) with authorizations in flight', () => {
    let caller: SeamCaller;
    beforeAll(async () => {
      caller = await seamCallerOf(system().processes, 'payments');
    });
    afterAll(async () => {
      await caller?.close();
    });

    it('finishes them, takes nothing new, exits within 10 s without an error; the other replica serves what comes after', async () => {
      const replicas = system().processes.replicas('payments');
      expect(replicas).toHaveLength(2);
      const before = await Promise.all(replicas.map(authorizationsAt));
      const send = (cardNumber: string) =>
        caller.client.send(PaymentsContract.authorizePayment, authorization(cardNumber), { timeoutMs: EXIT_WITHIN_MS });
      const slow = Array.from({ length: 4 }, () =>
        send(SLOW_CARD).then((payment) => ({ payment, at: performance.now() })),
      );
      // Every slow call taken (a replica counts a request when its handler starts); one replica
      // may read them all in one batch, so the one to stop is one that has some.
      const taken = await eventually(async () => {
        const now = await Promise.all(
          replicas.map(async (replica, index) => (await authorizationsAt(replica)) - before[index]!),
        );
        expect(now[0]! + now[1]!).toBe(4);
        return now;
      });
      const [stopping, staying] = taken[0]! > 0 ? replicas : [replicas[1]!, replicas[0]!];
      const stayingTook = taken[replicas.indexOf(staying!)]!;
      const stayingBefore = before[replicas.indexOf(staying!)]!;

      const signalled = performance.now();
      stopping!.process.signal('SIGTERM');
      await readerGone(system().redisUrl!, stopping!.process.pid);
      const after = await Promise.all(Array.from({ length: 4 }, () => send(APPROVED_CARD)));

      const finished = await Promise.all(slow);
      expect(finished.map(({ payment }) => payment.status)).toEqual([
        'authorized',
        'authorized',
        'authorized',
        'authorized',
      ]);
      // They were in flight when the signal came (else this test proves nothing).
      for (const { at } of finished) expect(at).toBeGreaterThan(signalled);
      expect(after.map(({ status }) => status)).toEqual(['authorized', 'authorized', 'authorized', 'authorized']);
      await expect(stopping!.process.exited).resolves.toBe('SIGTERM');
      expect(performance.now() - signalled).toBeLessThan(EXIT_WITHIN_MS);
      expect((await authorizationsAt(staying!)) - stayingBefore).toBe(stayingTook + 4);
      expect(afterSignal(stopping!)).not.toMatch(/ERROR/);
      await system().processes.startService('payments', stopping!.replica);
    });
  });
}

/**
 * Waits until the replica with process id `pid` has closed its stream reader: its Redis
 * connection `seam:<host>-<pid>-<suffix>:payments` is gone, so it can take no new request.
 */
async function readerGone(redisUrl: string, pid: number): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const reader = new RegExp(`name=seam:[^ ]*-${pid}-[0-9a-f]+:payments `);
    await eventually(async () => expect(await redis.client('LIST')).not.toMatch(reader), { timeoutMs: EXIT_WITHIN_MS });
  } finally {
    redis.disconnect();
  }
}

/**
 * SIGTERM to the payments service over TCP (one process) while authorizations are in flight.
 * What must hold: the server stops taking work — it tells its callers' connections to go away, so
 * a request sent after the signal goes to a new connection, which nothing accepts here (there is
 * no second replica: see `tcp-replica-handover.int-spec.ts` for one), and fails `UnavailableError`
 * at once without reaching a handler — while the calls in flight are answered; the process then
 * exits within {@link EXIT_WITHIN_MS} without an error, and a new process serves again.
 */
export function tcpShutdownChecks(system: () => ProcessShopSystem): void {
  describe('SIGTERM to the payments service (TCP) with authorizations in flight', () => {
    let caller: SeamCaller;
    beforeAll(async () => {
      caller = await seamCallerOf(system().processes, 'payments');
    });
    afterAll(async () => {
      await caller?.close();
    });

    it('answers the calls in flight, takes no new one, exits within 10 s; a new process serves again', async () => {
      const [service] = system().processes.replicas('payments');
      const before = await authorizationsAt(service!);
      const send = (cardNumber: string) =>
        caller.client.send(PaymentsContract.authorizePayment, authorization(cardNumber), { timeoutMs: EXIT_WITHIN_MS });
      let answered = 0;
      const calls = Array.from({ length: 3 }, () =>
        send(SLOW_CARD)
          .catch((error: unknown) => error)
          .finally(() => answered++),
      );
      await eventually(async () => expect((await authorizationsAt(service!)) - before).toBe(3));
      const signalled = performance.now();
      service!.process.signal('SIGTERM');
      await eventually(() => expect(service!.process.output()).toContain('SIGTERM: no new work'));
      const late = await send(APPROVED_CARD).catch((error: unknown) => error);

      expect(late).toBeInstanceOf(UnavailableError);
      // At once: not held until the calls in flight were answered.
      expect(answered).toBe(0);
      expect(await Promise.all(calls)).toEqual([
        expect.objectContaining({ status: 'authorized' }),
        expect.objectContaining({ status: 'authorized' }),
        expect.objectContaining({ status: 'authorized' }),
      ]);
      await expect(service!.process.exited).resolves.toBe('SIGTERM');
      expect(performance.now() - signalled).toBeLessThan(EXIT_WITHIN_MS);
      expect(afterSignal(service!)).not.toMatch(/ERROR/);

      await system().processes.startService('payments', 0);
      await expect(send(APPROVED_CARD)).resolves.toMatchObject({ status: 'authorized' });
    });
  });
}
