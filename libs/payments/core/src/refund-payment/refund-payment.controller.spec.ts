import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { ConflictError, NotFoundError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuthorizePaymentController } from '../authorize-payment/authorize-payment.controller.js';
import { CapturePaymentController } from '../capture-payment/capture-payment.controller.js';
import { PaymentCommandHandler } from '../payment-command.handler.js';
import { CardFingerprints } from '../domain/card-fingerprint.js';
import { paymentsData } from '../payments.data.js';
import { BoundedPaymentProvider } from '../provider/bounded-payment-provider.js';
import { FAKE_CARDS, FakePaymentProvider } from '../provider/fake-payment-provider.js';
import { RefundPaymentController } from './refund-payment.controller.js';
import { keysOn } from '../testing/payment-keys-on.js';

const key = () => `key-${randomUUID()}`;

describe('RefundPaymentController', () => {
  let dataSource: DataSource;
  let provider: FakePaymentProvider;
  let authorize: AuthorizePaymentController;
  let capture: CapturePaymentController;
  let controller: RefundPaymentController;
  const payment = async (cardNumber: string = FAKE_CARDS.approved) =>
    (
      await authorize.authorize({
        idempotencyKey: key(),
        orderId: randomUUID(),
        amount: { amount: 300, currency: 'USD' },
        cardNumber,
      })
    ).paymentId;

  beforeEach(async () => {
    dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
    provider = new FakePaymentProvider(dataSource);
    const keys = keysOn(dataSource);
    const bounded = new BoundedPaymentProvider(provider, { providerTimeoutMs: 1_000, slowMs: 0 });
    const commands = new PaymentCommandHandler(keys, bounded);
    authorize = new AuthorizePaymentController(keys, bounded, CardFingerprints.ephemeral());
    capture = new CapturePaymentController(commands);
    controller = new RefundPaymentController(commands);
  });
  afterEach(() => dataSource?.destroy());

  describe('refund', () => {
    it('gives a captured payment back', async () => {
      const paymentId = await payment();
      await capture.capture({ idempotencyKey: key(), paymentId });
      await expect(controller.refund({ idempotencyKey: key(), paymentId })).resolves.toMatchObject({
        status: 'refunded',
      });
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization', 'capture', 'refund']);
    });

    it('voids an authorized payment', async () => {
      const paymentId = await payment();
      await expect(controller.refund({ idempotencyKey: key(), paymentId })).resolves.toMatchObject({
        status: 'refunded',
      });
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization', 'void']);
    });

    it('refuses a declined or already refunded payment without asking the provider', async () => {
      const declined = await payment(FAKE_CARDS.declined);
      await expect(controller.refund({ idempotencyKey: key(), paymentId: declined })).rejects.toBeInstanceOf(
        ConflictError,
      );
      const paymentId = await payment();
      await controller.refund({ idempotencyKey: key(), paymentId });
      const calls = provider.calls().length;
      await expect(controller.refund({ idempotencyKey: key(), paymentId })).rejects.toThrow(
        `Payment ${paymentId} is refunded: it cannot be refunded`,
      );
      expect(provider.calls()).toHaveLength(calls);
    });

    it('answers NotFound for an unknown payment, and does not keep the key', async () => {
      const refund = { idempotencyKey: key(), paymentId: randomUUID() };
      await expect(controller.refund(refund)).rejects.toBeInstanceOf(NotFoundError);
      expect(await dataSource.query('SELECT id FROM idempotency_key WHERE id = ?', [refund.idempotencyKey])).toEqual(
        [],
      );
    });
  });
});
