import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Outbox } from '@seam/messaging';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { Hold, readRacingRollback } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { authorizedPayment } from '../domain/payment.js';
import { paymentsData } from '../payments.data.js';
import { toView } from '../payment.views.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { PaymentRepository } from './payment.repository.js';

describe('PaymentRepository', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    // The real migrations on a private in-memory SQLite database.
    dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
  });
  afterAll(() => dataSource?.destroy());

  describe('findById', () => {
    it('never answers a payment whose storing is still open, and then rolls back', async () => {
      const hold = new Hold();
      // Storing stops after writing the payment and its answer, at its event: its transaction is open.
      const keys = new IdempotencyRepository(dataSource, { add: () => hold.here() } as unknown as Outbox);
      const payments = new PaymentRepository(dataSource);
      const payment = authorizedPayment(
        {
          id: '00000000-0000-4000-8000-000000000001',
          orderId: '00000000-0000-4000-8000-0000000000aa',
          amount: { amount: 100, currency: 'EUR' },
          cardLast4: '4242',
        },
        'auth-1',
        new Date('2026-11-25T10:00:00.000Z'),
      );
      const claim = { key: 'key-1', operation: 'authorize', requestHash: 'h', paymentId: payment.id } as const;
      const claimed = await keys.claimNew(claim, new Date());
      if (claimed.kind !== 'claimed') throw new Error('key-1 should have been free');
      const storing = keys.completeNew(claimed.hold, payment, toView(payment));
      await expect(readRacingRollback(hold, storing, () => payments.findById(payment.id))).resolves.toBeUndefined();
    });
  });
});
