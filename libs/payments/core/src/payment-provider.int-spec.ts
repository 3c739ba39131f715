import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthorizePayment, PaymentsContract } from '@contracts/payments';
import type { EventEntry } from '@seam/transport';
import { eventually, LoopStalls, ModuleHarness } from '@seam/testing';
import { DeadlineExceededError, UnavailableError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_PAYMENTS_CONFIG,
  FAKE_CARDS,
  FakePaymentProvider,
  PAYMENT_PROVIDER,
  type PaymentProvider,
  PAYMENTS_CONFIG,
  type PaymentsConfig,
  PaymentsModule,
} from './index.js';

/** The payments module with `config`, recording `record`, and its fake provider. */
async function paymentsWith(
  config: PaymentsConfig,
  record: EventEntry[] = [],
): Promise<{ harness: ModuleHarness; provider: FakePaymentProvider }> {
  const harness = await ModuleHarness.start({
    module: PaymentsModule,
    name: 'payments',
    record,
    overrides: [{ provide: PAYMENTS_CONFIG, useValue: config }],
  });
  return { harness, provider: harness.app.get<FakePaymentProvider>(PAYMENT_PROVIDER) };
}

const authorization = (cardNumber: string): AuthorizePayment => ({
  idempotencyKey: `key-${randomUUID()}`,
  orderId: randomUUID(),
  amount: { amount: 4_200, currency: 'EUR' },
  cardNumber,
});
/** What a call answered or failed with, and how long it took. */
const elapsedOf = async (
  work: () => Promise<unknown>,
): Promise<{ value?: unknown; error?: unknown; elapsed: number }> => {
  const started = performance.now();
  const outcome = await work().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { ...outcome, elapsed: performance.now() - started };
};
/** setTimeout may fire a millisecond or so early by performance.now(); a lower bound allows for it. */
const TIMER_SLACK_MS = 5;

describe('payments module, each path of the card provider', () => {
  describe('with the default provider and timeouts', () => {
    let harness: ModuleHarness;
    let provider: FakePaymentProvider;
    beforeAll(async () => {
      ({ harness, provider } = await paymentsWith(DEFAULT_PAYMENTS_CONFIG, [PaymentsContract.paymentDeclined]));
    });
    afterAll(() => harness?.close());

    it.each([
      [FAKE_CARDS.declined, 'card_declined'],
      [FAKE_CARDS.insufficientFunds, 'insufficient_funds'],
    ])('answers %s as declined (%s), publishes paymentDeclined and holds nothing', async (cardNumber, reason) => {
      const mark = (await provider.ledger()).length;
      const declined = await harness.client.send(PaymentsContract.authorizePayment, authorization(cardNumber));
      expect(declined).toMatchObject({ status: 'declined', reason, cardLast4: cardNumber.slice(-4) });
      expect((await provider.ledger()).slice(mark)).toEqual([]);
      await eventually(() =>
        expect(harness.events(PaymentsContract.paymentDeclined)).toContainEqual(
          expect.objectContaining({ paymentId: declined.paymentId, reason }),
        ),
      );
    });

    it('waits for the slow card, within the caller’s deadline', async () => {
      const { value, elapsed } = await elapsedOf(() =>
        harness.client.send(PaymentsContract.authorizePayment, authorization(FAKE_CARDS.slow), { timeoutMs: 5_000 }),
      );
      expect(value).toMatchObject({ status: 'authorized', cardLast4: '0259' });
      expect(elapsed).toBeGreaterThanOrEqual(DEFAULT_PAYMENTS_CONFIG.slowMs - TIMER_SLACK_MS);
      expect(elapsed).toBeLessThan(5_000);
    });

    it('finishes a slow authorization its caller gave up on: the retry with the key gets the answer, with one hold', async () => {
      const request = authorization(FAKE_CARDS.slow);
      const mark = provider.calls().length;
      await expect(
        harness.client.send(PaymentsContract.authorizePayment, request, { timeoutMs: 200 }),
      ).rejects.toBeInstanceOf(DeadlineExceededError);
      // Meanwhile the retries are told the request is in progress (a Conflict), until it is answered.
      const answer = await eventually(() => harness.client.send(PaymentsContract.authorizePayment, request), {
        timeoutMs: 5_000,
        intervalMs: 100,
      });
      expect(answer).toMatchObject({ status: 'authorized', orderId: request.orderId });
      expect(provider.calls().slice(mark)).toEqual([{ method: 'authorize', subject: '0259' }]);
    });
  });

  // A 1 s provider timeout, not 300 ms: "the other cards at once" is measured against it, and a
  // full authorization (transport, database, outbox) can take hundreds of ms when a loaded 2-core
  // CI machine stalls this process; the bounds also add the stall they saw (see LoopStalls).
  describe('with a hung provider and a 1 s provider timeout (the module’s own default fake)', () => {
    const config = { providerTimeoutMs: 1_000, slowMs: DEFAULT_PAYMENTS_CONFIG.slowMs };
    let harness: ModuleHarness;
    beforeAll(async () => {
      ({ harness } = await paymentsWith(config));
    });
    afterAll(() => harness?.close());

    it('fails with Unavailable once the provider timeout passes, and releases the key for a retry', async () => {
      const request = authorization(FAKE_CARDS.hung);
      for (const attempt of ['first', 'retry with the same key']) {
        const stalls = LoopStalls.watch();
        const { error, elapsed } = await elapsedOf(() =>
          harness.client.send(PaymentsContract.authorizePayment, request),
        );
        // A retry that found the key still claimed would fail at once with a Conflict instead.
        expect({ attempt, error }).toEqual({ attempt, error: expect.any(UnavailableError) });
        expect((error as UnavailableError).message).toBe(
          `payment provider did not answer within ${config.providerTimeoutMs} ms`,
        );
        expect(elapsed).toBeGreaterThanOrEqual(config.providerTimeoutMs - TIMER_SLACK_MS);
        // + the longest stall of this process meanwhile: no timer fires during one (see LoopStalls).
        expect(elapsed).toBeLessThan(config.providerTimeoutMs + 1_000 + stalls.stop());
      }
    });

    it('still answers the other cards at once', async () => {
      const stalls = LoopStalls.watch();
      const { value, elapsed } = await elapsedOf(() =>
        harness.client.send(PaymentsContract.authorizePayment, authorization(FAKE_CARDS.approved)),
      );
      expect(value).toMatchObject({ status: 'authorized' });
      // Sooner than the provider timeout, + the longest stall of this process meanwhile (see LoopStalls).
      expect(elapsed).toBeLessThan(config.providerTimeoutMs + stalls.stop());
    });
  });

  // The provider decides, then answers too late: the hold exists though the call failed.
  describe('with the slow card slower than the provider timeout', () => {
    const config = { providerTimeoutMs: 300, slowMs: 600 };
    let harness: ModuleHarness;
    let provider: FakePaymentProvider;
    beforeAll(async () => {
      ({ harness, provider } = await paymentsWith(config));
    });
    afterAll(() => harness?.close());

    it('answers the retry with the key with the hold the timed-out call made, never a second hold', async () => {
      const request = authorization(FAKE_CARDS.slow);
      const mark = (await provider.ledger()).length;
      await expect(harness.client.send(PaymentsContract.authorizePayment, request)).rejects.toBeInstanceOf(
        UnavailableError,
      );
      const answer = await eventually(() => harness.client.send(PaymentsContract.authorizePayment, request), {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      // A retry that started before the first hold landed is still at the provider: it ends within slowMs.
      await new Promise((resolve) => setTimeout(resolve, config.slowMs + 100));
      const holds = (await provider.ledger()).slice(mark);
      expect(holds.map((entry) => [entry.type, entry.authorizationId])).toEqual([
        ['authorization', expect.any(String)],
      ]);
      expect(answer).toMatchObject({ status: 'authorized', orderId: request.orderId });
      await harness.client.send(PaymentsContract.capturePayment, {
        idempotencyKey: `key-${randomUUID()}`,
        paymentId: answer.paymentId,
      });
      expect((await provider.ledger()).slice(mark).map((entry) => entry.authorizationId)).toEqual([
        holds[0].authorizationId,
        holds[0].authorizationId,
      ]);
    });
  });

  describe('PaymentsModule.withProvider', () => {
    it('puts the given provider in place of the default one', async () => {
      const asked: string[] = [];
      const own: PaymentProvider = {
        authorize: async (cardNumber) => {
          asked.push(cardNumber.slice(-4));
          return { outcome: 'approved', authorizationId: 'own-1', cardToken: 'own-token-1' };
        },
        capture: async () => undefined,
        refund: async () => undefined,
      };
      const harness = await ModuleHarness.start({
        module: PaymentsModule.withProvider({ useValue: own }),
        name: 'payments',
      });
      try {
        const authorized = await harness.client.send(
          PaymentsContract.authorizePayment,
          authorization('378282246310005'),
        );
        expect(asked).toEqual([authorized.cardLast4]);
      } finally {
        await harness.close();
      }
    });
  });
});
