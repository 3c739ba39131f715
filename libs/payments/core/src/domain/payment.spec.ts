import { describe, expect, it } from '@jest/globals';
import {
  applyCommand,
  authorizedPayment,
  cardLast4,
  declinedPayment,
  IllegalTransitionError,
  nextStatus,
  type Payment,
  type PaymentCommand,
  type PaymentStatus,
} from './payment.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const t1 = new Date('2026-01-02T00:00:00.000Z');
const fields = { id: 'p-1', orderId: 'o-1', amount: { amount: 1_299, currency: 'EUR' }, cardLast4: '4242' };
const authorized = (): Payment => authorizedPayment(fields, 'auth-1', t0);

describe('payment', () => {
  describe('authorizedPayment', () => {
    it('holds the amount under the provider authorization, stamped with the time', () => {
      expect(authorized()).toEqual({
        ...fields,
        status: 'authorized',
        authorizationId: 'auth-1',
        createdAt: t0.toISOString(),
        updatedAt: t0.toISOString(),
      });
    });
  });

  describe('declinedPayment', () => {
    it('keeps the reason and has no authorization to act on', () => {
      const declined = declinedPayment(fields, 'insufficient_funds', t0);
      expect(declined).toMatchObject({ status: 'declined', reason: 'insufficient_funds' });
      expect(declined.authorizationId).toBeUndefined();
    });
  });

  describe('nextStatus', () => {
    const table: Array<[PaymentStatus, PaymentCommand, PaymentStatus | undefined]> = [
      ['authorized', 'capture', 'captured'],
      ['authorized', 'refund', 'refunded'],
      ['captured', 'refund', 'refunded'],
      ['captured', 'capture', undefined],
      ['declined', 'capture', undefined],
      ['declined', 'refund', undefined],
      ['refunded', 'capture', undefined],
      ['refunded', 'refund', undefined],
    ];
    it.each(table)('%s + %s → %s', (status, command, expected) => {
      expect(nextStatus(status, command)).toBe(expected);
    });
  });

  describe('applyCommand', () => {
    it('captures an authorized payment and stamps the change', () => {
      expect(applyCommand(authorized(), 'capture', t1)).toMatchObject({
        status: 'captured',
        createdAt: t0.toISOString(),
        updatedAt: t1.toISOString(),
      });
    });

    it('voids an authorized payment and refunds a captured one', () => {
      expect(applyCommand(authorized(), 'refund', t1).status).toBe('refunded');
      expect(applyCommand(applyCommand(authorized(), 'capture', t1), 'refund', t1).status).toBe('refunded');
    });

    it('refuses an illegal transition, naming the status and the command', () => {
      const declined = declinedPayment(fields, 'card_declined', t0);
      expect(() => applyCommand(declined, 'capture', t1)).toThrow(new IllegalTransitionError('declined', 'capture'));
      expect(() => applyCommand(declined, 'capture', t1)).toThrow('A declined payment cannot be captured');
    });

    it('leaves the given payment unchanged', () => {
      const payment = authorized();
      applyCommand(payment, 'capture', t1);
      expect(payment.status).toBe('authorized');
    });
  });

  describe('cardLast4', () => {
    it('keeps only the last four digits', () => {
      expect(cardLast4('4000000000009995')).toBe('9995');
    });

    it('refuses what is not a card number', () => {
      expect(() => cardLast4('4242')).toThrow(RangeError);
      expect(() => cardLast4('4242 4242 4242 4242')).toThrow(RangeError);
    });
  });
});
