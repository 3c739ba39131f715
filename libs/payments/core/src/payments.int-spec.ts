import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthorizePayment, PaymentsContract } from '@contracts/payments';
import { eventually, ModuleHarness } from '@seam/testing';
import { ConflictError, NotFoundError, ValidationError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FAKE_CARDS, FakePaymentProvider, PAYMENT_PROVIDER, PAYMENTS_CONFIG, PaymentsModule } from './index.js';
import { ABANDONED_CLAIM_MS } from './infrastructure/abandoned-claim.js';
import { IdempotencyRecord } from './infrastructure/idempotency.record.js';
import { PaymentRecord } from './infrastructure/payment.record.js';

const config = { providerTimeoutMs: 2_000, slowMs: 1_500 };
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const newKey = () => `key-${randomUUID()}`;
const authorization = (overrides: Partial<AuthorizePayment> = {}): AuthorizePayment => ({
  idempotencyKey: newKey(),
  orderId: randomUUID(),
  amount: eur(2_500),
  cardNumber: FAKE_CARDS.approved,
  ...overrides,
});
const failure = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('payments module, through its contract', () => {
  let harness: ModuleHarness;
  /** The provider the module wired: the fake, on the module's own database. */
  let provider: FakePaymentProvider;
  const authorize = (request: AuthorizePayment) => harness.client.send(PaymentsContract.authorizePayment, request);
  const capture = (paymentId: string, idempotencyKey = newKey()) =>
    harness.client.send(PaymentsContract.capturePayment, { idempotencyKey, paymentId });
  const refund = (paymentId: string, idempotencyKey = newKey()) =>
    harness.client.send(PaymentsContract.refundPayment, { idempotencyKey, paymentId });
  /** The provider's ledger entries since `mark` (its length before the step under test). */
  const ledgerSince = async (mark: number) => (await provider.ledger()).slice(mark).map((entry) => entry.type);
  const ledgerMark = async () => (await provider.ledger()).length;
  /** Every payments event recorded for one payment, as statuses in order of arrival. */
  const eventsOf = (paymentId: string) =>
    [
      PaymentsContract.paymentAuthorized,
      PaymentsContract.paymentDeclined,
      PaymentsContract.paymentCaptured,
      PaymentsContract.paymentRefunded,
    ]
      .flatMap((entry) => harness.events(entry))
      .filter((event) => event.paymentId === paymentId)
      .map((event) => event.status);
  /** Waits until a fresh payment's event has arrived: events emitted before it have arrived too. */
  const eventsSettled = async () => {
    const marker = await authorize(authorization());
    await eventually(() => expect(eventsOf(marker.paymentId)).toEqual(['authorized']));
  };

  beforeAll(async () => {
    harness = await ModuleHarness.start({
      module: PaymentsModule,
      name: 'payments',
      record: [
        PaymentsContract.paymentAuthorized,
        PaymentsContract.paymentDeclined,
        PaymentsContract.paymentCaptured,
        PaymentsContract.paymentRefunded,
      ],
      overrides: [{ provide: PAYMENTS_CONFIG, useValue: config }],
    });
    provider = harness.app.get<FakePaymentProvider>(PAYMENT_PROVIDER);
  });
  afterAll(() => harness?.close());

  describe('authorize, capture, refund', () => {
    it('holds, charges once and refunds once, publishing each step', async () => {
      const mark = await ledgerMark();
      const request = authorization({ cardNumber: '5555555555554444' });
      const authorized = await authorize(request);
      expect(authorized).toEqual({
        paymentId: expect.any(String),
        orderId: request.orderId,
        amount: eur(2_500),
        status: 'authorized',
        cardLast4: '4444',
        updatedAt: expect.any(String),
      });
      expect((await capture(authorized.paymentId)).status).toBe('captured');
      const refunded = await refund(authorized.paymentId);
      expect(refunded).toMatchObject({ paymentId: authorized.paymentId, status: 'refunded', amount: eur(2_500) });
      await expect(
        harness.client.send(PaymentsContract.getPayment, { paymentId: authorized.paymentId }),
      ).resolves.toEqual(refunded);
      expect(await ledgerSince(mark)).toEqual(['authorization', 'capture', 'refund']);
      await eventually(() => expect(eventsOf(authorized.paymentId)).toEqual(['authorized', 'captured', 'refunded']));
    });

    it('voids an authorization that was never captured, which then cannot be captured', async () => {
      const mark = await ledgerMark();
      const { paymentId } = await authorize(authorization());
      expect((await refund(paymentId)).status).toBe('refunded');
      await expect(capture(paymentId)).rejects.toBeInstanceOf(ConflictError);
      expect(await ledgerSince(mark)).toEqual(['authorization', 'void']);
    });

    it('answers a capture again under its key after the payment moved on, with no new effect', async () => {
      const { paymentId } = await authorize(authorization());
      const key = newKey();
      const captured = await capture(paymentId, key);
      await refund(paymentId);
      const mark = await ledgerMark();
      await expect(capture(paymentId, key)).resolves.toEqual(captured);
      expect(await ledgerSince(mark)).toEqual([]);
    });

    it('refuses to capture a declined payment, or one captured under another key', async () => {
      const declined = await authorize(authorization({ cardNumber: FAKE_CARDS.declined }));
      const error = await failure(capture(declined.paymentId));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ message: `Payment ${declined.paymentId} is declined: it cannot be captured` });
      const { paymentId } = await authorize(authorization());
      await capture(paymentId);
      await expect(capture(paymentId)).rejects.toBeInstanceOf(ConflictError);
    });

    it('lets a capture and a refund sent together reach the provider one at a time', async () => {
      const { paymentId } = await authorize(authorization());
      const mark = await ledgerMark();
      const outcomes = await Promise.allSettled([capture(paymentId), refund(paymentId)]);
      // Only Conflicts may come back: an unexpected error would mean both reached the provider and it refused one.
      for (const reason of outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : [])))
        expect(reason).toBeInstanceOf(ConflictError);
      const effects = await ledgerSince(mark);
      expect([['capture'], ['capture', 'refund'], ['void']]).toContainEqual(effects);
      const final = await harness.client.send(PaymentsContract.getPayment, { paymentId });
      expect(final.status).toBe(effects.join() === 'capture' ? 'captured' : 'refunded');
    });

    it('answers NotFound for an unknown payment', async () => {
      const paymentId = randomUUID();
      await expect(harness.client.send(PaymentsContract.getPayment, { paymentId })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(capture(paymentId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(refund(paymentId)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('idempotency by key', () => {
    it('answers the same key and request again with the first answer: one charge, one event', async () => {
      const mark = await ledgerMark();
      const request = authorization();
      const first = await authorize(request);
      await expect(authorize({ ...request })).resolves.toEqual(first);
      expect(await ledgerSince(mark)).toEqual(['authorization']);
      await eventsSettled();
      expect(eventsOf(first.paymentId)).toEqual(['authorized']);
    });

    it('charges once for 20 concurrent requests with one key; the others get that answer or an in-progress Conflict', async () => {
      const mark = await ledgerMark();
      const request = authorization();
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => authorize({ ...request })));
      expect(await ledgerSince(mark)).toEqual(['authorization']);
      const answers = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
      const errors = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as Error] : []));
      expect(answers.length).toBeGreaterThanOrEqual(1);
      expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
      for (const error of errors)
        expect(error).toMatchObject({
          code: 'CONFLICT',
          message: 'a request with this key is in progress',
          details: { retryable: true },
        });
      await expect(authorize(request)).resolves.toEqual(answers[0]);
    });

    it('takes over a claim left unanswered past ABANDONED_CLAIM_MS (its process died), but not a fresh one', async () => {
      const dataSource = harness.app.get<DataSource>(getDataSourceToken('payments'));
      const claimLeftBy = async (key: string, ageMs: number) => {
        const at = new Date(Date.now() - ageMs).toISOString();
        await dataSource.getRepository(IdempotencyRecord).insert({
          key,
          operation: 'authorize',
          requestHash: 'left by a dead process',
          paymentId: randomUUID(),
          state: 'in_progress',
          response: null,
          createdAt: at,
          updatedAt: at,
        });
      };
      const fresh = authorization();
      await claimLeftBy(fresh.idempotencyKey, 1_000);
      await expect(authorize(fresh)).rejects.toMatchObject({ code: 'CONFLICT' });

      const abandoned = authorization();
      await claimLeftBy(abandoned.idempotencyKey, ABANDONED_CLAIM_MS + 1_000);
      const mark = await ledgerMark();
      const answer = await authorize(abandoned);
      expect(answer).toMatchObject({ status: 'authorized', orderId: abandoned.orderId });
      expect(await ledgerSince(mark)).toEqual(['authorization']);
      await expect(authorize(abandoned)).resolves.toEqual(answer);
      await expect(
        harness.client.send(PaymentsContract.findOrderPayments, { orderId: abandoned.orderId }),
      ).resolves.toEqual({ payments: [answer] });
      await expect(harness.client.send(PaymentsContract.findOrderPayments, { orderId: randomUUID() })).resolves.toEqual(
        { payments: [] },
      );
    });

    it('frees a payment locked by another key’s abandoned claim (a replica died mid-capture), but not by a live one', async () => {
      const dataSource = harness.app.get<DataSource>(getDataSourceToken('payments'));
      const lockBy = async (paymentId: string, ageMs: number) => {
        const key = `dead-capture-${randomUUID()}`;
        const at = new Date(Date.now() - ageMs).toISOString();
        await dataSource.getRepository(IdempotencyRecord).insert({
          key,
          operation: 'capture',
          requestHash: 'left by a dead process',
          paymentId,
          state: 'in_progress',
          response: null,
          createdAt: at,
          updatedAt: at,
        });
        await dataSource.getRepository(PaymentRecord).update({ id: paymentId }, { pendingKey: key });
      };
      const live = await authorize(authorization());
      await lockBy(live.paymentId, 1_000);
      await expect(refund(live.paymentId)).rejects.toMatchObject({ code: 'CONFLICT', details: { retryable: true } });

      const orphaned = await authorize(authorization());
      await lockBy(orphaned.paymentId, ABANDONED_CLAIM_MS + 1_000);
      await expect(refund(orphaned.paymentId)).resolves.toMatchObject({
        paymentId: orphaned.paymentId,
        status: 'refunded',
      });
    });

    it('refuses the key with another amount, or for another operation', async () => {
      const request = authorization();
      const { paymentId } = await authorize(request);
      const reused = await failure(authorize({ ...request, amount: eur(2_501) }));
      expect(reused).toBeInstanceOf(ConflictError);
      expect(reused).toMatchObject({ message: 'idempotency key reused with a different request' });
      await expect(capture(paymentId, request.idempotencyKey)).rejects.toMatchObject({
        message: 'idempotency key reused with a different request',
      });
    });

    it('stores a decline under its key too: asked again, the provider is not', async () => {
      const request = authorization({ cardNumber: FAKE_CARDS.insufficientFunds });
      const calls = provider.calls().length;
      const declined = await authorize(request);
      await expect(authorize(request)).resolves.toEqual(declined);
      expect(provider.calls().length - calls).toBe(1);
    });
  });

  describe('validation at the door', () => {
    it('names each offending field: float amount, short key, bad card number, unknown field', async () => {
      const bad = {
        ...authorization({ idempotencyKey: 'short', cardNumber: '4242-4242' }),
        amount: eur(9.99),
        cvv: '123',
      };
      const error = await failure(authorize(bad));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path).toSorted()).toEqual([
        'amount.amount',
        'cardNumber',
        'cvv',
        'idempotencyKey',
      ]);
    });
  });
});
