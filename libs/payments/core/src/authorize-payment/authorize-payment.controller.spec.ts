import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { AuthorizePayment, PaymentEvent } from '@contracts/payments';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { ConflictError, type SeamClient, UnavailableError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { IdempotencyRepository } from '../infrastructure/idempotency.repository.js';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { PaymentEventPublisher } from '../payment-event.publisher.js';
import { paymentsData } from '../payments.data.js';
import { BoundedPaymentProvider } from '../provider/bounded-payment-provider.js';
import { FAKE_CARDS, FakePaymentProvider } from '../provider/fake-payment-provider.js';
import { AuthorizePaymentController } from './authorize-payment.controller.js';

/** The fake, made to fail its next authorizations as a provider outage would. */
class FlakyProvider extends FakePaymentProvider {
  failNext = 0;
  asked = 0;
  override authorize(cardNumber: string, amount: { amount: number; currency: string }) {
    this.asked++;
    if (this.failNext-- > 0) return Promise.reject(new UnavailableError('payment provider did not answer within 1 ms'));
    return super.authorize(cardNumber, amount);
  }
}

const request = (cardNumber: string = FAKE_CARDS.approved): AuthorizePayment => ({
  idempotencyKey: `key-${randomUUID()}`,
  orderId: randomUUID(),
  amount: { amount: 1_250, currency: 'EUR' },
  cardNumber,
});

describe('AuthorizePaymentController', () => {
  let dataSource: DataSource;
  let provider: FlakyProvider;
  let controller: AuthorizePaymentController;
  /** Each event, with the payment's status as stored when it was emitted. */
  let published: Array<{ event: PaymentEvent; stored: string | undefined }>;

  beforeEach(async () => {
    dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
    const payments = new PaymentRepository(dataSource);
    published = [];
    const seam = {
      emit: async (_entry: unknown, event: PaymentEvent) => published.push({ event, stored: (await payments.findById(event.paymentId))?.status }),
    } as unknown as SeamClient;
    provider = new FlakyProvider(dataSource, { slowMs: 50 });
    const bounded = new BoundedPaymentProvider(provider, { providerTimeoutMs: 1_000, slowMs: 0 });
    controller = new AuthorizePaymentController(new IdempotencyRepository(dataSource), bounded, new PaymentEventPublisher(seam));
  });
  afterEach(() => dataSource?.destroy());

  describe('authorize', () => {
    it('releases the key when the provider fails, so that the retry reaches the provider and holds once', async () => {
      provider.failNext = 1;
      const authorization = request();
      await expect(controller.authorize(authorization)).rejects.toBeInstanceOf(UnavailableError);
      await expect(controller.authorize(authorization)).resolves.toMatchObject({ status: 'authorized' });
      expect(provider.asked).toBe(2);
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization']);
    });

    it('publishes only once the payment is stored', async () => {
      const declined = await controller.authorize(request(FAKE_CARDS.declined));
      expect(published).toEqual([{ event: expect.objectContaining({ paymentId: declined.paymentId, status: 'declined' }), stored: 'declined' }]);
    });

    it('stores no card number, only its last four digits', async () => {
      const authorization = request('6011000990139424');
      await controller.authorize(authorization);
      const rows = JSON.stringify([await dataSource.query('SELECT * FROM payment'), await dataSource.query('SELECT * FROM idempotency_key')]);
      expect(rows).toContain('9424');
      expect(rows).not.toContain('6011000990');
    });

    it('refuses a different request under a key that is being worked on', async () => {
      const authorization = request(FAKE_CARDS.slow);
      const first = controller.authorize(authorization);
      await expect(controller.authorize({ ...authorization, orderId: randomUUID() })).rejects.toThrow(
        new ConflictError('idempotency key reused with a different request'),
      );
      await first;
    });
  });
});
