import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { UnavailableError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuthorizePaymentController } from './authorize-payment/authorize-payment.controller.js';
import { CardFingerprints } from './domain/card-fingerprint.js';
import type { Money, PaymentCommand } from './domain/payment.js';
import { PaymentCommandHandler } from './payment-command.handler.js';
import { paymentsData } from './payments.data.js';
import { BoundedPaymentProvider } from './provider/bounded-payment-provider.js';
import { FAKE_CARDS, FakePaymentProvider } from './provider/fake-payment-provider.js';
import type { AuthorizationResult, PaymentProvider } from './provider/payment-provider.js';
import { keysOn, paymentEventsIn } from './testing/payment-keys-on.js';

const TIMEOUT_MS = 100;

/**
 * The fake behind an adapter whose first settlement is done at the provider at once, but whose
 * answer reaches Seam only after the timeout. `forwardsKey: false` is an adapter that drops the
 * settlement's idempotency key; `opaqueRefusals` one that turns refusals into plain errors, saying
 * nothing of where the hold stands: each leaves the handler one way to learn of the lost answer.
 */
class LateFirstAnswer implements PaymentProvider {
  /** The late answer of the first settlement, once it was asked for. */
  late?: Promise<void>;
  constructor(
    readonly fake: FakePaymentProvider,
    readonly adapter: { forwardsKey: boolean; opaqueRefusals: boolean },
  ) {}

  authorize(cardNumber: string, amount: Money): Promise<AuthorizationResult> {
    return this.fake.authorize(cardNumber, amount);
  }
  capture(authorizationId: string, amount: Money, key?: string): Promise<void> {
    return this.settle(() => this.fake.capture(authorizationId, amount, this.adapter.forwardsKey ? key : undefined));
  }
  refund(authorizationId: string, amount: Money, key?: string): Promise<void> {
    return this.settle(() => this.fake.refund(authorizationId, amount, this.adapter.forwardsKey ? key : undefined));
  }

  private async settle(call: () => Promise<void>): Promise<void> {
    const done = call().catch((error: unknown) => {
      throw this.adapter.opaqueRefusals ? new Error((error as Error).message) : error;
    });
    if (this.late) return done;
    this.late = done.then(() => new Promise<void>((resolve) => setTimeout(resolve, TIMEOUT_MS * 3)));
    return this.late;
  }
}

describe('PaymentCommandHandler', () => {
  let dataSource: DataSource;
  beforeEach(async () => {
    dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
  });
  afterEach(() => dataSource?.destroy());

  /** A handler on `provider` bounded by TIMEOUT_MS, and an authorized payment of 900 EUR. */
  const setUp = async (provider: LateFirstAnswer) => {
    const keys = keysOn(dataSource);
    const bounded = new BoundedPaymentProvider(provider, { providerTimeoutMs: TIMEOUT_MS, slowMs: 0 });
    const { paymentId } = await new AuthorizePaymentController(keys, bounded, CardFingerprints.ephemeral()).authorize({
      idempotencyKey: `key-${randomUUID()}`,
      orderId: randomUUID(),
      amount: { amount: 900, currency: 'EUR' },
      cardNumber: FAKE_CARDS.approved,
    });
    return { handler: new PaymentCommandHandler(keys, bounded), paymentId };
  };
  const eventsOf = async (paymentId: string) =>
    (await paymentEventsIn(dataSource)).filter((event) => event.paymentId === paymentId).map((event) => event.status);

  describe('handle', () => {
    type Case = { what: string; command: PaymentCommand; adapter: LateFirstAnswer['adapter']; effect: string };
    const cases: Case[] = [
      {
        what: 'capture (the provider answers its repeated key)',
        command: 'capture',
        adapter: { forwardsKey: true, opaqueRefusals: true },
        effect: 'capture',
      },
      {
        what: 'void (the provider answers its repeated key)',
        command: 'refund',
        adapter: { forwardsKey: true, opaqueRefusals: true },
        effect: 'void',
      },
      {
        what: 'capture (through an adapter that drops the key: the refusal says the hold is captured)',
        command: 'capture',
        adapter: { forwardsKey: false, opaqueRefusals: false },
        effect: 'capture',
      },
    ];
    it.each(cases)(
      'completes a $what whose answer came after the timeout, retried with the same key: once, announced once',
      async ({ command, adapter, effect }) => {
        const provider = new LateFirstAnswer(new FakePaymentProvider(dataSource), adapter);
        const { handler, paymentId } = await setUp(provider);
        const request = { idempotencyKey: `key-${randomUUID()}`, paymentId };

        await expect(handler.handle(command, request)).rejects.toBeInstanceOf(UnavailableError);
        await provider.late;
        const answer = await handler.handle(command, request);

        expect(answer).toMatchObject({ paymentId, status: command === 'capture' ? 'captured' : 'refunded' });
        await expect(handler.handle(command, request)).resolves.toEqual(answer);
        expect(await eventsOf(paymentId)).toEqual(['authorized', answer.status]);
        expect((await provider.fake.ledger()).map((entry) => entry.type)).toEqual(['authorization', effect]);
      },
    );

    it('lets a captured payment whose capture answer was lost be refunded afterwards', async () => {
      const provider = new LateFirstAnswer(new FakePaymentProvider(dataSource), {
        forwardsKey: true,
        opaqueRefusals: true,
      });
      const { handler, paymentId } = await setUp(provider);
      const capture = { idempotencyKey: `key-${randomUUID()}`, paymentId };
      await expect(handler.handle('capture', capture)).rejects.toBeInstanceOf(UnavailableError);
      await provider.late;
      await handler.handle('capture', capture);
      await expect(
        handler.handle('refund', { idempotencyKey: `key-${randomUUID()}`, paymentId }),
      ).resolves.toMatchObject({
        status: 'refunded',
      });
      expect((await provider.fake.ledger()).map((entry) => entry.type)).toEqual(['authorization', 'capture', 'refund']);
    });
  });
});
