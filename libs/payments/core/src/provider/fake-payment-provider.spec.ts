import { describe, expect, it } from '@jest/globals';
import { FAKE_CARDS, FakePaymentProvider } from './fake-payment-provider.js';
import { withinTimeout } from './bounded-payment-provider.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

async function approvedHold(provider: FakePaymentProvider, card: string = FAKE_CARDS.approved): Promise<string> {
  const result = await provider.authorize(card, eur(1_000));
  if (result.outcome !== 'approved') throw new Error(`expected an approval, got ${result.reason}`);
  return result.authorizationId;
}

describe('FakePaymentProvider', () => {
  describe('authorize', () => {
    it('approves any other 12 to 19 digit number and records the hold', async () => {
      const provider = new FakePaymentProvider();
      const authorizationId = await approvedHold(provider, '123456789012');
      expect(provider.ledger()).toEqual([{ type: 'authorization', authorizationId, amount: eur(1_000), cardLast4: '9012' }]);
    });

    it('declines its two decline cards with their reasons, charging nothing', async () => {
      const provider = new FakePaymentProvider();
      await expect(provider.authorize(FAKE_CARDS.declined, eur(1_000))).resolves.toEqual({ outcome: 'declined', reason: 'card_declined' });
      await expect(provider.authorize(FAKE_CARDS.insufficientFunds, eur(1_000))).resolves.toEqual({ outcome: 'declined', reason: 'insufficient_funds' });
      expect(provider.ledger()).toEqual([]);
      expect(provider.calls().map((call) => call.subject)).toEqual(['0002', '9995']);
    });

    it('answers the slow card after slowMs, approved', async () => {
      const provider = new FakePaymentProvider({ slowMs: 80 });
      const started = performance.now();
      await approvedHold(provider, FAKE_CARDS.slow);
      expect(performance.now() - started).toBeGreaterThanOrEqual(75); // timers may round down by a millisecond or so
    });

    it('never answers for the hung card', async () => {
      const provider = new FakePaymentProvider();
      const outcome = await withinTimeout(() => provider.authorize(FAKE_CARDS.hung, eur(1_000)), 50, 'authorize').catch((error: unknown) => error);
      expect(outcome).toMatchObject({ code: 'UNAVAILABLE' });
      expect(provider.ledger()).toEqual([]);
    });

    it('refuses what is not a card number', async () => {
      await expect(new FakePaymentProvider().authorize('4242', eur(1_000))).rejects.toThrow('12 to 19 digits');
    });
  });

  describe('capture', () => {
    it('charges a hold once', async () => {
      const provider = new FakePaymentProvider();
      const authorizationId = await approvedHold(provider);
      await provider.capture(authorizationId, eur(1_000));
      await expect(provider.capture(authorizationId, eur(1_000))).rejects.toThrow('captured, it cannot be captured');
      expect(provider.ledger().map((entry) => entry.type)).toEqual(['authorization', 'capture']);
    });

    it('refuses an unknown authorization and another amount', async () => {
      const provider = new FakePaymentProvider();
      const authorizationId = await approvedHold(provider);
      await expect(provider.capture('auth_nope', eur(1_000))).rejects.toThrow('unknown authorization auth_nope');
      await expect(provider.capture(authorizationId, eur(999))).rejects.toThrow('holds 1000 EUR, not 999 EUR');
    });
  });

  describe('refund', () => {
    it('refunds a charge, once', async () => {
      const provider = new FakePaymentProvider();
      const authorizationId = await approvedHold(provider);
      await provider.capture(authorizationId, eur(1_000));
      await provider.refund(authorizationId, eur(1_000));
      await expect(provider.refund(authorizationId, eur(1_000))).rejects.toThrow('already refunded');
      expect(provider.ledger().map((entry) => entry.type)).toEqual(['authorization', 'capture', 'refund']);
    });

    it('voids a hold that was never captured, which then cannot be captured', async () => {
      const provider = new FakePaymentProvider();
      const authorizationId = await approvedHold(provider);
      await provider.refund(authorizationId, eur(1_000));
      await expect(provider.capture(authorizationId, eur(1_000))).rejects.toThrow('voided');
      expect(provider.ledger().map((entry) => entry.type)).toEqual(['authorization', 'void']);
    });

    it('refuses an unknown authorization', async () => {
      await expect(new FakePaymentProvider().refund('auth_nope', eur(1_000))).rejects.toThrow('unknown authorization');
    });
  });
});
