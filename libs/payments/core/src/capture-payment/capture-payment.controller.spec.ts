import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { eventually } from '@seam/testing';
import { ConflictError, UnavailableError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PaymentCommandHandler } from '../payment-command.handler.js';
import { CardFingerprints } from '../domain/card-fingerprint.js';
import { paymentsData } from '../payments.data.js';
import { BoundedPaymentProvider } from '../provider/bounded-payment-provider.js';
import { FakePaymentProvider } from '../provider/fake-payment-provider.js';
import { RefundPaymentController } from '../refund-payment/refund-payment.controller.js';
import { AuthorizePaymentController } from '../authorize-payment/authorize-payment.controller.js';
import { CapturePaymentController } from './capture-payment.controller.js';
import { keysOn, paymentEventsIn } from '../testing/payment-keys-on.js';

type Money = { amount: number; currency: string };

/** The fake, whose captures can be made to fail, or to wait until the test opens a gate. */
class ControlledProvider extends FakePaymentProvider {
  failNext = 0;
  gate: Promise<void> = Promise.resolve();
  override async capture(authorizationId: string, amount: Money): Promise<void> {
    await this.gate;
    if (this.failNext-- > 0) throw new UnavailableError('payment provider did not answer within 1 ms');
    return super.capture(authorizationId, amount);
  }
}

const key = () => `key-${randomUUID()}`;

describe('CapturePaymentController', () => {
  let dataSource: DataSource;
  let provider: ControlledProvider;
  let authorize: AuthorizePaymentController;
  let controller: CapturePaymentController;
  let refund: RefundPaymentController;
  const authorizedPayment = async () =>
    (
      await authorize.authorize({
        idempotencyKey: key(),
        orderId: randomUUID(),
        amount: { amount: 700, currency: 'EUR' },
        cardNumber: '4242424242424242',
      })
    ).paymentId;

  beforeEach(async () => {
    dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
    provider = new ControlledProvider(dataSource);
    const keys = keysOn(dataSource);
    const bounded = new BoundedPaymentProvider(provider, { providerTimeoutMs: 1_000, slowMs: 0 });
    const commands = new PaymentCommandHandler(keys, bounded);
    authorize = new AuthorizePaymentController(keys, bounded, CardFingerprints.ephemeral());
    controller = new CapturePaymentController(commands);
    refund = new RefundPaymentController(commands);
  });
  afterEach(() => dataSource?.destroy());

  describe('capture', () => {
    it('charges the authorized amount, and writes paymentCaptured to the outbox with it', async () => {
      const paymentId = await authorizedPayment();
      await expect(controller.capture({ idempotencyKey: key(), paymentId })).resolves.toMatchObject({
        paymentId,
        status: 'captured',
      });
      expect((await provider.ledger()).at(-1)).toMatchObject({
        type: 'capture',
        amount: { amount: 700, currency: 'EUR' },
      });
      expect(
        (await paymentEventsIn(dataSource))
          .filter((event) => event.paymentId === paymentId)
          .map((event) => event.status),
      ).toEqual(['authorized', 'captured']);
    });

    it('releases the key and the payment when the provider fails: the retry with the key captures once', async () => {
      const paymentId = await authorizedPayment();
      const capture = { idempotencyKey: key(), paymentId };
      provider.failNext = 1;
      await expect(controller.capture(capture)).rejects.toBeInstanceOf(UnavailableError);
      await expect(controller.capture(capture)).resolves.toMatchObject({ status: 'captured' });
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization', 'capture']);
    });

    it('keeps a refund under another key away from the provider while the capture is there', async () => {
      const paymentId = await authorizedPayment();
      let open!: () => void;
      provider.gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const capturing = controller.capture({ idempotencyKey: key(), paymentId });
      // The claim is stored before the provider is called: wait for the payment to be locked.
      await eventually(async () =>
        expect(await dataSource.query('SELECT pending_key FROM payment')).toEqual([
          { pending_key: expect.any(String) },
        ]),
      );
      const error = await refund.refund({ idempotencyKey: key(), paymentId }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({
        message: `Another operation on payment ${paymentId} is in progress`,
        details: { retryable: true },
      });
      open();
      await expect(capturing).resolves.toMatchObject({ status: 'captured' });
      await expect(refund.refund({ idempotencyKey: key(), paymentId })).resolves.toMatchObject({ status: 'refunded' });
    });
  });
});
