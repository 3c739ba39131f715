import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthorizePayment, PaymentsContract } from '@contracts/payments';
import { ModuleHarness, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { ConflictError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import { FAKE_CARDS, FakePaymentProvider, PAYMENT_PROVIDER, PaymentsModule } from './index.js';

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

const authorization = (): AuthorizePayment => ({
  idempotencyKey: `key-${randomUUID()}`,
  orderId: randomUUID(),
  // Above 2^31 minor units: PostgreSQL's `integer` could not hold it.
  amount: { amount: 99_999_999_99, currency: 'EUR' },
  cardNumber: FAKE_CARDS.approved,
});

/** What differs on PostgreSQL: concurrent claims race on separate pooled connections, not one queue. */
suite(`payments module on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let database: TemporaryPostgres;
  let harness: ModuleHarness;
  let provider: FakePaymentProvider;
  const ledgerSince = async (mark: number) => (await provider.ledger()).slice(mark).map((entry) => entry.type);

  beforeAll(async () => {
    database = await TemporaryPostgres.create();
    harness = await ModuleHarness.start({
      module: PaymentsModule,
      name: 'payments',
      database: { kind: 'postgres', url: database.url },
    });
    provider = harness.app.get<FakePaymentProvider>(PAYMENT_PROVIDER);
  });
  afterAll(async () => {
    await harness?.close();
    await database?.drop();
  });

  it('authorizes, captures and refunds a large amount exactly', async () => {
    const mark = (await provider.ledger()).length;
    const { paymentId, amount } = await harness.client.send(PaymentsContract.authorizePayment, authorization());
    expect(amount).toEqual({ amount: 99_999_999_99, currency: 'EUR' });
    await harness.client.send(PaymentsContract.capturePayment, { idempotencyKey: `key-${randomUUID()}`, paymentId });
    await harness.client.send(PaymentsContract.refundPayment, { idempotencyKey: `key-${randomUUID()}`, paymentId });
    await expect(harness.client.send(PaymentsContract.getPayment, { paymentId })).resolves.toMatchObject({
      status: 'refunded',
      amount,
    });
    expect(await ledgerSince(mark)).toEqual(['authorization', 'capture', 'refund']);
  });

  it('charges once for 20 concurrent requests with one key', async () => {
    const mark = (await provider.ledger()).length;
    const request = authorization();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => harness.client.send(PaymentsContract.authorizePayment, { ...request })),
    );
    expect(await ledgerSince(mark)).toEqual(['authorization']);
    const answers = outcomes.flatMap((outcome) =>
      outcome.status === 'fulfilled' ? [JSON.stringify(outcome.value)] : [],
    );
    expect(new Set(answers).size).toBe(1);
    for (const outcome of outcomes.filter((each) => each.status === 'rejected'))
      expect(outcome.reason).toBeInstanceOf(ConflictError);
  });

  it('lets one of 10 concurrent captures under different keys reach the provider', async () => {
    const { paymentId } = await harness.client.send(PaymentsContract.authorizePayment, authorization());
    const mark = (await provider.ledger()).length;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        harness.client.send(PaymentsContract.capturePayment, { idempotencyKey: `key-${randomUUID()}`, paymentId }),
      ),
    );
    expect(await ledgerSince(mark)).toEqual(['capture']);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((each) => each.status === 'rejected'))
      expect(outcome.reason).toBeInstanceOf(ConflictError);
  });
});
