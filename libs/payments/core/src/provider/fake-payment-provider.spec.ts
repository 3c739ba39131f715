import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import type { DataSource } from 'typeorm';
import { paymentsData } from '../payments.data.js';
import {
  FAKE_CARDS,
  FAKE_PROVIDER_CALLS_KEPT,
  FakePaymentProvider,
  type FakePaymentProviderOptions,
} from './fake-payment-provider.js';
import { withinTimeout } from './bounded-payment-provider.js';
import { SettlementRefusedError } from './payment-provider.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

async function approvedHold(provider: FakePaymentProvider, card: string = FAKE_CARDS.approved): Promise<string> {
  const result = await provider.authorize(card, eur(1_000));
  if (result.outcome !== 'approved') throw new Error(`expected an approval, got ${result.reason}`);
  return result.authorizationId;
}

describe('FakePaymentProvider', () => {
  let dataSource: DataSource;
  const fake = (options?: FakePaymentProviderOptions) => new FakePaymentProvider(dataSource, options);
  beforeEach(async () => {
    dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
  });
  afterEach(() => dataSource?.destroy());

  describe('authorize', () => {
    it('answers a repeated key with its first hold, and refuses the key with another amount or card', async () => {
      const provider = fake();
      const first = await provider.authorize(FAKE_CARDS.approved, eur(1_000), 'authorize-k1');
      const again = await provider.authorize(FAKE_CARDS.approved, eur(1_000), 'authorize-k1');
      expect(again).toMatchObject({
        outcome: 'approved',
        authorizationId: (first as { authorizationId: string }).authorizationId,
      });
      await expect(provider.authorize(FAKE_CARDS.approved, eur(999), 'authorize-k1')).rejects.toThrow(
        'was used for another',
      );
      await expect(provider.authorize('5555555555554444', eur(1_000), 'authorize-k1')).rejects.toThrow(
        'was used for another',
      );
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization']);
    });

    it('approves any other 12 to 19 digit number and records the hold', async () => {
      const provider = fake();
      const authorizationId = await approvedHold(provider, '123456789012');
      expect(await provider.ledger()).toEqual([
        { type: 'authorization', authorizationId, amount: eur(1_000), cardLast4: '9012' },
      ]);
    });

    it('names the card by a fresh random token on each authorization', async () => {
      const provider = fake();
      const first = await provider.authorize(FAKE_CARDS.approved, eur(1_000));
      const again = await provider.authorize(FAKE_CARDS.approved, eur(1_000));
      expect(first.cardToken).toMatch(/^tok_[0-9a-f]{32}$/);
      expect(again.cardToken).not.toBe(first.cardToken);
    });

    it('declines its two decline cards with their reasons, charging nothing', async () => {
      const provider = fake();
      await expect(provider.authorize(FAKE_CARDS.declined, eur(1_000))).resolves.toEqual({
        outcome: 'declined',
        reason: 'card_declined',
        cardToken: expect.stringMatching(/^tok_/),
      });
      await expect(provider.authorize(FAKE_CARDS.insufficientFunds, eur(1_000))).resolves.toEqual({
        outcome: 'declined',
        reason: 'insufficient_funds',
        cardToken: expect.stringMatching(/^tok_/),
      });
      expect(await provider.ledger()).toEqual([]);
      expect(provider.calls().map((call) => call.subject)).toEqual(['0002', '9995']);
    });

    it('keeps its latest calls only, so that a long-running process does not grow with every order', async () => {
      const provider = fake();
      const made = FAKE_PROVIDER_CALLS_KEPT + 1_500;
      // Refused card numbers: recorded, then refused before any database work.
      for (let call = 0; call < made; call++)
        await expect(provider.authorize(`x${String(call).padStart(5, '0')}`, eur(1))).rejects.toThrow(
          '12 to 19 digits',
        );
      const kept = provider.calls();
      expect(kept).toHaveLength(FAKE_PROVIDER_CALLS_KEPT);
      // The oldest dropped, in order: the last four digits of the 1,501st and of the last number.
      expect(kept[0]!.subject).toBe(String(1_500).slice(-4).padStart(4, '0'));
      expect(kept.at(-1)!.subject).toBe(String(made - 1).slice(-4));
    });

    it('answers the slow card after slowMs, approved', async () => {
      const provider = fake({ slowMs: 80 });
      const started = performance.now();
      await approvedHold(provider, FAKE_CARDS.slow);
      expect(performance.now() - started).toBeGreaterThanOrEqual(75); // timers may round down by a millisecond or so
    });

    it('never answers for the hung card', async () => {
      const provider = fake();
      const outcome = await withinTimeout(() => provider.authorize(FAKE_CARDS.hung, eur(1_000)), 50, 'authorize').catch(
        (error: unknown) => error,
      );
      expect(outcome).toMatchObject({ code: 'UNAVAILABLE' });
      expect(await provider.ledger()).toEqual([]);
    });

    it('refuses what is not a card number', async () => {
      await expect(fake().authorize('4242', eur(1_000))).rejects.toThrow('12 to 19 digits');
    });
  });

  describe('capture', () => {
    it('charges a hold once', async () => {
      const provider = fake();
      const authorizationId = await approvedHold(provider);
      await provider.capture(authorizationId, eur(1_000));
      await expect(provider.capture(authorizationId, eur(1_000))).rejects.toThrow('captured, it cannot be captured');
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization', 'capture']);
    });

    it('refuses an unknown authorization and another amount', async () => {
      const provider = fake();
      const authorizationId = await approvedHold(provider);
      await expect(provider.capture('auth_nope', eur(1_000))).rejects.toThrow('unknown authorization auth_nope');
      await expect(provider.capture(authorizationId, eur(999))).rejects.toThrow('holds 1000 EUR, not 999 EUR');
      await expect(provider.capture(authorizationId, { amount: 1_000, currency: 'USD' })).rejects.toThrow(
        'holds 1000 EUR, not 1000 USD',
      );
      // A refusal changes nothing: the hold can still be captured, and only that is recorded.
      await provider.capture(authorizationId, eur(1_000));
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization', 'capture']);
    });

    it('answers a repeat of its idempotency key as the success it was, and charges nothing again', async () => {
      const provider = fake();
      const authorizationId = await approvedHold(provider);
      await provider.capture(authorizationId, eur(1_000), 'settle-1');
      await expect(provider.capture(authorizationId, eur(1_000), 'settle-1')).resolves.toBeUndefined();
      // Another key is another capture, and the key is for this settlement only.
      await expect(provider.capture(authorizationId, eur(1_000), 'settle-2')).rejects.toThrow('cannot be captured');
      await expect(provider.capture(authorizationId, eur(999), 'settle-1')).rejects.toThrow(
        'settle-1 was used for another settlement',
      );
      await expect(provider.refund(authorizationId, eur(1_000), 'settle-1')).rejects.toThrow(
        'settle-1 was used for another settlement',
      );
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization', 'capture']);
    });

    it('says in its refusal where the hold stands', async () => {
      const provider = fake();
      const authorizationId = await approvedHold(provider);
      await provider.capture(authorizationId, eur(1_000));
      const again = await provider.capture(authorizationId, eur(1_000)).catch((error: unknown) => error);
      expect(again).toBeInstanceOf(SettlementRefusedError);
      expect(again).toMatchObject({ state: 'captured' });
      await expect(provider.capture('auth_nope', eur(1_000))).rejects.toMatchObject({ state: undefined });
    });
  });

  describe('refund', () => {
    it('refunds a charge, once', async () => {
      const provider = fake();
      const authorizationId = await approvedHold(provider);
      await provider.capture(authorizationId, eur(1_000));
      await provider.refund(authorizationId, eur(1_000));
      await expect(provider.refund(authorizationId, eur(1_000))).rejects.toThrow('already refunded');
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization', 'capture', 'refund']);
    });

    it('voids a hold that was never captured, which then cannot be captured', async () => {
      const provider = fake();
      const authorizationId = await approvedHold(provider);
      await provider.refund(authorizationId, eur(1_000));
      await expect(provider.capture(authorizationId, eur(1_000))).rejects.toThrow('voided');
      await expect(provider.refund(authorizationId, eur(1_000))).rejects.toThrow('already voided');
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual(['authorization', 'void']);
    });

    it('refuses an unknown authorization', async () => {
      await expect(fake().refund('auth_nope', eur(1_000))).rejects.toThrow('unknown authorization');
    });

    it('answers a repeat of its idempotency key as the success it was, a refund or a void', async () => {
      const provider = fake();
      const voided = await approvedHold(provider);
      await provider.refund(voided, eur(1_000), 'void-1');
      await expect(provider.refund(voided, eur(1_000), 'void-1')).resolves.toBeUndefined();
      const refunded = await approvedHold(provider);
      await provider.capture(refunded, eur(1_000));
      await provider.refund(refunded, eur(1_000), 'refund-1');
      await expect(provider.refund(refunded, eur(1_000), 'refund-1')).resolves.toBeUndefined();
      await expect(provider.refund(refunded, eur(1_000), 'void-1')).rejects.toThrow(
        'void-1 was used for another settlement',
      );
      expect((await provider.ledger()).map((entry) => entry.type)).toEqual([
        'authorization',
        'void',
        'authorization',
        'capture',
        'refund',
      ]);
    });
  });
});
