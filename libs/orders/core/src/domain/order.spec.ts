import { describe, expect, it } from '@jest/globals';
import {
  cancel,
  confirm,
  flagCompensationPending,
  newOrder,
  NO_MONEY,
  type Order,
  recordPayment,
  recordStock,
  refusedOrder,
  reject,
} from './order.js';
import { IllegalTransition } from './order-status.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const t1 = new Date('2026-01-01T00:00:01.000Z');
const identity = { orderId: 'o-1', customerId: 'c-1' };
const lines = [{ sku: 'A-1', name: 'A', quantity: 2, unitPrice: { amount: 500, currency: 'EUR' } }];
const pending = (): Order => newOrder(identity, { lines, total: { amount: 1_000, currency: 'EUR' } }, t0);
const settled = (): Order =>
  recordStock(recordPayment(pending(), { paymentId: 'p-1', status: 'captured' }, t0), 'committed', t0);
const confirmed = (): Order => confirm(settled(), t0);
const undone = (order: Order): Order =>
  recordStock(recordPayment(order, { paymentId: 'p-1', status: 'refunded' }, t0), 'released', t0);

describe('order', () => {
  describe('newOrder', () => {
    it('is pending, stamped, with nothing to undo', () => {
      expect(pending()).toMatchObject({
        status: 'pending',
        total: { amount: 1_000, currency: 'EUR' },
        compensationPending: false,
        createdAt: t0.toISOString(),
        updatedAt: t0.toISOString(),
      });
    });

    it('copies the lines it is given', () => {
      const given = [{ ...lines[0]!, unitPrice: { ...lines[0]!.unitPrice } }];
      const order = newOrder(identity, { lines: given, total: { amount: 1_000, currency: 'EUR' } }, t0);
      given[0]!.unitPrice.amount = 1;
      expect(order.lines[0]!.unitPrice.amount).toBe(500);
    });
  });

  describe('refusedOrder', () => {
    it('is rejected with the reason, no lines and no money', () => {
      expect(refusedOrder(identity, 'unknown product: X-1', t0)).toMatchObject({
        status: 'rejected',
        reason: 'unknown product: X-1',
        lines: [],
        total: NO_MONEY,
      });
    });
  });

  describe('confirm', () => {
    it('confirms a pending order whose payment is captured and stock committed', () => {
      expect(confirm(settled(), t1)).toMatchObject({ status: 'confirmed', updatedAt: t1.toISOString() });
    });

    it('refuses a pending order not yet paid or committed', () => {
      expect(() => confirm(recordStock(pending(), 'committed', t0), t1)).toThrow('before its payment is captured');
      expect(() => confirm(recordPayment(pending(), { paymentId: 'p-1', status: 'captured' }, t0), t1)).toThrow(
        'and its stock committed',
      );
    });

    it.each([
      ['confirmed', confirmed],
      ['rejected', () => reject(settled(), 'x', t0)],
      ['cancelled', () => cancel(undone(confirmed()), t0)],
    ])('is an IllegalTransition from %s', (_status, make) => {
      expect(() => confirm(make(), t1)).toThrow(IllegalTransition);
    });
  });

  describe('reject', () => {
    it('rejects a pending order with the reason', () => {
      expect(reject(pending(), 'out of stock: A-1', t1)).toMatchObject({
        status: 'rejected',
        reason: 'out of stock: A-1',
        updatedAt: t1.toISOString(),
      });
    });

    it.each([
      ['confirmed', confirmed],
      ['rejected', () => reject(pending(), 'x', t0)],
      ['cancelled', () => cancel(undone(confirmed()), t0)],
    ])('is an IllegalTransition from %s', (_status, make) => {
      expect(() => reject(make(), 'y', t1)).toThrow(IllegalTransition);
    });
  });

  describe('cancel', () => {
    it('cancels a confirmed order that was refunded and restocked', () => {
      expect(cancel(undone(confirmed()), t1)).toMatchObject({ status: 'cancelled', updatedAt: t1.toISOString() });
    });

    it('refuses a confirmed order still paid or still holding stock', () => {
      expect(() => cancel(recordStock(confirmed(), 'released', t0), t1)).toThrow('before its payment is refunded');
      expect(() => cancel(recordPayment(confirmed(), { paymentId: 'p-1', status: 'refunded' }, t0), t1)).toThrow(
        'and its stock released',
      );
    });

    it.each([
      ['pending', () => undone(pending())],
      ['rejected', () => undone(reject(pending(), 'x', t0))],
      ['cancelled', () => cancel(undone(confirmed()), t0)],
    ])('is an IllegalTransition from %s', (_status, make) => {
      expect(() => cancel(make(), t1)).toThrow(IllegalTransition);
    });
  });

  describe('progress', () => {
    it('records stock, payment and a pending compensation without changing the status', () => {
      const order = flagCompensationPending(
        recordPayment(recordStock(pending(), 'reserved', t1), { paymentId: 'p-1', status: 'authorized' }, t1),
        t1,
      );
      expect(order).toMatchObject({
        status: 'pending',
        stock: 'reserved',
        payment: { paymentId: 'p-1', status: 'authorized' },
        compensationPending: true,
        updatedAt: t1.toISOString(),
      });
    });
  });
});
