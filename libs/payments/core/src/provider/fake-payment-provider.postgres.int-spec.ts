import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { paymentsData } from '../payments.data.js';
import { FAKE_CARDS, FakePaymentProvider } from './fake-payment-provider.js';

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

// Above 2^31 minor units: PostgreSQL's `integer` could not hold it.
const big = { amount: 99_999_999_99, currency: 'EUR' };

async function approvedHold(provider: FakePaymentProvider): Promise<string> {
  const result = await provider.authorize(FAKE_CARDS.approved, big);
  if (result.outcome !== 'approved') throw new Error(`expected an approval, got ${result.reason}`);
  return result.authorizationId;
}

/** Two replicas' DataSources on one schema: their settlements race on separate pooled connections. */
suite(`FakePaymentProvider, two replicas on one PostgreSQL schema${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let database: TemporaryPostgres;
  const replicas: DataSource[] = [];
  let one: FakePaymentProvider;
  let other: FakePaymentProvider;
  const effectsOf = async (authorizationId: string) =>
    (await one.ledger()).filter((entry) => entry.authorizationId === authorizationId).map((entry) => entry.type);

  beforeAll(async () => {
    database = await TemporaryPostgres.create();
    for (let replica = 0; replica < 2; replica++)
      replicas.push(await openDataSource(dataSourceOptions(paymentsData, { kind: 'postgres', url: database.url })));
    one = new FakePaymentProvider(replicas[0]!);
    other = new FakePaymentProvider(replicas[1]!);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((dataSource) => dataSource.destroy()));
    await database?.drop();
  });

  it('captures through one a hold made through the other, amount exact, and refuses it again', async () => {
    const authorizationId = await approvedHold(one);
    await other.capture(authorizationId, big);
    await expect(one.capture(authorizationId, big)).rejects.toThrow('captured, it cannot be captured');
    expect((await other.ledger()).filter((entry) => entry.authorizationId === authorizationId)).toEqual([
      { type: 'authorization', authorizationId, amount: big, cardLast4: '4242' },
      { type: 'capture', authorizationId, amount: big, cardLast4: '4242' },
    ]);
  });

  it('lets exactly one of 20 concurrent captures through both replicas succeed', async () => {
    const authorizationId = await approvedHold(one);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, call) => (call % 2 ? one : other).capture(authorizationId, big)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((each) => each.status === 'rejected'))
      expect(outcome.reason).toMatchObject({ message: expect.stringContaining('cannot be captured') });
    expect(await effectsOf(authorizationId)).toEqual(['authorization', 'capture']);
  });

  it('settles a capture and a refund racing on one hold in one order or the other, never both ways', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, () => approvedHold(one)));
    await Promise.allSettled(ids.flatMap((id) => [one.capture(id, big), other.refund(id, big)]));
    for (const id of ids)
      expect([
        ['authorization', 'capture', 'refund'],
        ['authorization', 'void'],
      ]).toContainEqual(await effectsOf(id));
  });
});
