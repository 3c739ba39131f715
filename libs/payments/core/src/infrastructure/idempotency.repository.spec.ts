import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Outbox, Sql } from '@seam/messaging';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { applyCommand, authorizedPayment, type Payment } from '../domain/payment.js';
import { toView } from '../payment.views.js';
import { paymentsData } from '../payments.data.js';
import { ABANDONED_CLAIM_MARGIN_MS, ABANDONED_CLAIM_MS } from './abandoned-claim.js';
import { IdempotencyRepository } from './idempotency.repository.js';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const after = (ms: number) => new Date(T0.getTime() + ms);

describe('IdempotencyRepository', () => {
  let dataSource: DataSource;
  const repository = (providerTimeoutMs = 2_000) =>
    new IdempotencyRepository(dataSource, new Outbox('payments', new Sql(dataSource), () => undefined), {
      providerTimeoutMs,
    });
  beforeEach(async () => {
    dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
  });
  afterEach(() => dataSource?.destroy());

  /** An authorized payment, stored through its own key. */
  const storedPayment = async (keys: IdempotencyRepository): Promise<Payment> => {
    const fields = {
      id: randomUUID(),
      orderId: randomUUID(),
      amount: { amount: 500, currency: 'EUR' },
      cardLast4: '4242',
    };
    const payment = authorizedPayment(fields, `auth_${randomUUID()}`, T0);
    const claimed = await keys.claimNew(
      { key: `key-${randomUUID()}`, operation: 'authorize', requestHash: 'a', paymentId: payment.id },
      T0,
    );
    if (claimed.kind !== 'claimed') throw new Error('a fresh key should be free');
    await keys.completeNew(claimed.hold, payment, toView(payment));
    return payment;
  };
  const captureClaim = (paymentId: string, key = 'capture-key-1') => ({
    key,
    operation: 'capture' as const,
    requestHash: 'c',
    paymentId,
  });

  describe('claimFor', () => {
    it('does not take over a claim still within a long provider timeout plus the margin', async () => {
      const providerTimeoutMs = 60_000;
      const keys = repository(providerTimeoutMs);
      const { id } = await storedPayment(keys);
      await keys.claimFor(captureClaim(id), 'capture', T0);
      // Past ABANDONED_CLAIM_MS, but the first claimant may still be waiting for its provider.
      await expect(
        keys.claimFor(captureClaim(id), 'capture', after(ABANDONED_CLAIM_MS + 10_000)),
      ).resolves.toMatchObject({ kind: 'taken', use: { state: 'in_progress' } });
      await expect(
        keys.claimFor(captureClaim(id), 'capture', after(providerTimeoutMs + ABANDONED_CLAIM_MARGIN_MS + 1)),
      ).resolves.toMatchObject({ kind: 'claimed' });
    });
  });

  describe('release', () => {
    it('leaves alone a claim that took the key over: its row and its lock on the payment', async () => {
      const keys = repository();
      const payment = await storedPayment(keys);
      const first = await keys.claimFor(captureClaim(payment.id), 'capture', T0);
      const second = await keys.claimFor(captureClaim(payment.id), 'capture', after(ABANDONED_CLAIM_MS + 1));
      if (first.kind !== 'claimed' || second.kind !== 'claimed') throw new Error('both should have claimed');

      // The first claimant was slow, not dead: its provider call failed late, and it releases.
      await keys.release(first.hold, payment.id);

      const later = after(ABANDONED_CLAIM_MS + 2);
      await expect(keys.claimFor(captureClaim(payment.id), 'capture', later)).resolves.toMatchObject({
        kind: 'taken',
        use: { state: 'in_progress' },
      });
      await expect(keys.claimFor(captureClaim(payment.id, 'refund-key-1'), 'refund', later)).resolves.toEqual({
        kind: 'busy',
      });
    });
  });

  describe('completeCommand', () => {
    it('stores nothing for a claimant whose claim was taken over, and the answer of the one that holds it', async () => {
      const keys = repository();
      const payment = await storedPayment(keys);
      const first = await keys.claimFor(captureClaim(payment.id), 'capture', T0);
      const second = await keys.claimFor(captureClaim(payment.id), 'capture', after(ABANDONED_CLAIM_MS + 1));
      if (first.kind !== 'claimed' || second.kind !== 'claimed') throw new Error('both should have claimed');
      const captured = applyCommand(payment, 'capture', after(ABANDONED_CLAIM_MS + 2));

      await expect(
        keys.completeCommand(first.hold, captured, { ...toView(captured), updatedAt: 'stale' }),
      ).resolves.toBe(false);
      await expect(keys.completeCommand(second.hold, captured, toView(captured))).resolves.toBe(true);
      await expect(keys.claimFor(captureClaim(payment.id), 'capture', after(ABANDONED_CLAIM_MS + 3))).resolves.toEqual({
        kind: 'taken',
        use: { operation: 'capture', requestHash: 'c', state: 'completed', response: toView(captured) },
      });
    });
  });
});
