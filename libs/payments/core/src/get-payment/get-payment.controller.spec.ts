import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { NotFoundError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { declinedPayment } from '../domain/payment.js';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { paymentsData } from '../payments.data.js';
import { toView } from '../payment.views.js';
import { GetPaymentController } from './get-payment.controller.js';
import { keysOn } from '../testing/payment-keys-on.js';

describe('GetPaymentController', () => {
  let dataSource: DataSource;
  let controller: GetPaymentController;
  const payment = declinedPayment(
    { id: randomUUID(), orderId: randomUUID(), amount: { amount: 99_999_999_99, currency: 'JPY' }, cardLast4: '0002' },
    'card_declined',
    new Date('2026-03-01T12:00:00.000Z'),
  );

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
    const keys = keysOn(dataSource);
    const claimed = await keys.claimNew(
      { key: 'key-get-1', operation: 'authorize', requestHash: 'h', paymentId: payment.id },
      new Date(),
    );
    if (claimed.kind !== 'claimed') throw new Error('key-get-1 should have been free');
    await keys.completeNew(claimed.hold, payment, toView(payment));
    controller = new GetPaymentController(new PaymentRepository(dataSource));
  });
  afterAll(() => dataSource?.destroy());

  describe('get', () => {
    it('answers a stored payment as it was stored, amount exact', async () => {
      await expect(controller.get({ paymentId: payment.id })).resolves.toEqual({
        paymentId: payment.id,
        orderId: payment.orderId,
        amount: { amount: 99_999_999_99, currency: 'JPY' },
        status: 'declined',
        reason: 'card_declined',
        cardLast4: '0002',
        updatedAt: '2026-03-01T12:00:00.000Z',
      });
    });

    it('answers NotFound for an unknown id', async () => {
      const paymentId = randomUUID();
      await expect(controller.get({ paymentId })).rejects.toThrow(new NotFoundError(`No payment ${paymentId}`));
    });
  });
});
