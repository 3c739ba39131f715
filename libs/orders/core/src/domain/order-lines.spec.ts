import { describe, expect, it } from '@jest/globals';
import { lineTotal, mergeLines, type PriceQuote, priceLines, totalOf } from './order-lines.js';

const quote = (sku: string, amount: number, overrides: Partial<PriceQuote> = {}): PriceQuote => ({
  sku,
  name: `Product ${sku}`,
  unitPrice: { amount, currency: 'EUR' },
  active: true,
  ...overrides,
});

describe('order lines', () => {
  describe('mergeLines', () => {
    it('adds up the quantities of a repeated sku, keeping first-appearance order', () => {
      const merged = mergeLines([
        { sku: 'B-1', quantity: 1 },
        { sku: 'A-1', quantity: 2 },
        { sku: 'B-1', quantity: 3 },
      ]);
      expect(merged).toEqual([
        { sku: 'B-1', quantity: 4 },
        { sku: 'A-1', quantity: 2 },
      ]);
    });

    it('leaves distinct skus as they are', () => {
      expect(mergeLines([{ sku: 'A-1', quantity: 1 }])).toEqual([{ sku: 'A-1', quantity: 1 }]);
    });
  });

  describe('lineTotal', () => {
    it('multiplies the unit price in minor units', () => {
      expect(lineTotal({ sku: 'A-1', name: 'A', quantity: 3, unitPrice: { amount: 1_299, currency: 'EUR' } })).toEqual({
        amount: 3_897,
        currency: 'EUR',
      });
    });
  });

  describe('totalOf', () => {
    it('sums the line totals exactly, in integer minor units', () => {
      const lines = [
        { sku: 'A-1', name: 'A', quantity: 3, unitPrice: { amount: 10, currency: 'EUR' } },
        { sku: 'B-1', name: 'B', quantity: 1, unitPrice: { amount: 20, currency: 'EUR' } },
      ];
      // 0.1 × 3 + 0.2 is not 0.5 in floating point; 10 × 3 + 20 is 50.
      expect(totalOf(lines, 'EUR')).toEqual({ amount: 50, currency: 'EUR' });
    });

    it('refuses a line in another currency', () => {
      expect(() =>
        totalOf([{ sku: 'A-1', name: 'A', quantity: 1, unitPrice: { amount: 1, currency: 'USD' } }], 'EUR'),
      ).toThrow('A-1 is in USD');
    });
  });

  describe('priceLines', () => {
    it('prices every line from its quote and totals them', () => {
      const pricing = priceLines(
        [
          { sku: 'A-1', quantity: 2 },
          { sku: 'B-1', quantity: 1 },
        ],
        [quote('B-1', 500), quote('A-1', 1_000)],
      );
      expect(pricing).toEqual({
        ok: true,
        lines: [
          { sku: 'A-1', name: 'Product A-1', quantity: 2, unitPrice: { amount: 1_000, currency: 'EUR' } },
          { sku: 'B-1', name: 'Product B-1', quantity: 1, unitPrice: { amount: 500, currency: 'EUR' } },
        ],
        total: { amount: 2_500, currency: 'EUR' },
      });
    });

    it('refuses the first unknown sku', () => {
      const pricing = priceLines(
        [
          { sku: 'A-1', quantity: 1 },
          { sku: 'GHOST', quantity: 1 },
          { sku: 'GONE', quantity: 1 },
        ],
        [quote('A-1', 1)],
      );
      expect(pricing).toEqual({ ok: false, reason: 'unknown product: GHOST' });
    });

    it('refuses a product that is not for sale', () => {
      expect(priceLines([{ sku: 'A-1', quantity: 1 }], [quote('A-1', 1, { active: false })])).toEqual({
        ok: false,
        reason: 'not for sale: A-1',
      });
    });

    it('refuses lines in more than one currency, naming them', () => {
      const quotes = [quote('A-1', 1), quote('B-1', 1, { unitPrice: { amount: 1, currency: 'USD' } })];
      const pricing = priceLines(
        [
          { sku: 'A-1', quantity: 1 },
          { sku: 'B-1', quantity: 1 },
        ],
        quotes,
      );
      expect(pricing).toEqual({ ok: false, reason: 'mixed currencies: EUR, USD' });
    });

    it('refuses an order without lines', () => {
      expect(priceLines([], [])).toEqual({ ok: false, reason: 'no lines' });
    });
  });
});
