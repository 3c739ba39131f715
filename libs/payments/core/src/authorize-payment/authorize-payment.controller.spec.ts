import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { AuthorizePayment } from '@contracts/payments';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { ConflictError, UnavailableError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { CardFingerprints } from '../domain/card-fingerprint.js';
import { paymentsData } from '../payments.data.js';
import { BoundedPaymentProvider } from '../provider/bounded-payment-provider.js';
import { FAKE_CARDS, FakePaymentProvider } from '../provider/fake-payment-provider.js';
import { AuthorizePaymentController } from './authorize-payment.controller.js';
import { keysOn, paymentEventsIn } from '../testing/payment-keys-on.js';

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
  let payments: PaymentRepository;

  beforeEach(async () => {
    dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
    payments = new PaymentRepository(dataSource);
    provider = new FlakyProvider(dataSource, { slowMs: 50 });
    const bounded = new BoundedPaymentProvider(provider, { providerTimeoutMs: 1_000, slowMs: 0 });
    controller = new AuthorizePaymentController(keysOn(dataSource), bounded, CardFingerprints.ephemeral());
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

    it('writes its event to the outbox with the payment it stores', async () => {
      const declined = await controller.authorize(request(FAKE_CARDS.declined));
      expect(await paymentEventsIn(dataSource)).toEqual([
        expect.objectContaining({ paymentId: declined.paymentId, status: 'declined' }),
      ]);
      expect((await payments.findById(declined.paymentId))?.status).toBe('declined');
    });

    it('writes no event when the provider fails (nothing is stored)', async () => {
      provider.failNext = 1;
      await expect(controller.authorize(request())).rejects.toBeInstanceOf(UnavailableError);
      expect(await paymentEventsIn(dataSource)).toEqual([]);
    });

    it('stores no card number, only its last four digits', async () => {
      const authorization = request('6011000990139424');
      await controller.authorize(authorization);
      const rows = JSON.stringify([
        await dataSource.query('SELECT * FROM payment'),
        await dataSource.query('SELECT * FROM idempotency_key'),
      ]);
      expect(rows).toContain('9424');
      expect(rows).not.toContain('6011000990');
    });

    it('refuses the key reused with another card ending in the same four digits, and replays the same card', async () => {
      const authorization = request(FAKE_CARDS.approved);
      const first = await controller.authorize(authorization);
      await expect(controller.authorize({ ...authorization, cardNumber: '4000056655664242' })).rejects.toThrow(
        new ConflictError('idempotency key reused with a different request'),
      );
      await expect(controller.authorize({ ...authorization })).resolves.toEqual(first);
      expect(provider.asked).toBe(1);
    });

    it('refuses another card under a key whose first request is still being worked on', async () => {
      const authorization = request(FAKE_CARDS.slow);
      const first = controller.authorize(authorization);
      await expect(controller.authorize({ ...authorization, cardNumber: '4000000000010259' })).rejects.toThrow(
        new ConflictError('idempotency key reused with a different request'),
      );
      await first;
    });

    it("keeps the provider's card token with the payment, never in the answer", async () => {
      const approved = await controller.authorize(request());
      const declined = await controller.authorize(request(FAKE_CARDS.declined));
      for (const answer of [approved, declined]) {
        expect((await payments.findById(answer.paymentId))?.cardToken).toMatch(/^tok_[0-9a-f]{32}$/);
        expect(JSON.stringify(answer)).not.toContain('tok_');
      }
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
