import { describe, expect, it } from '@jest/globals';
import { applyChanges, newProduct, type Product } from './product.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const t1 = new Date('2026-01-02T00:00:00.000Z');
const base = (): Product =>
  newProduct(
    { sku: 'MUG-1', name: 'Mug', description: 'A mug', price: { amount: 1299, currency: 'EUR' }, active: true },
    t0,
  );

describe('product', () => {
  describe('newProduct', () => {
    it('stamps creation and update with the same time', () => {
      expect(base()).toMatchObject({ createdAt: t0.toISOString(), updatedAt: t0.toISOString() });
    });
  });

  describe('applyChanges', () => {
    it('changes the given fields and stamps the update', () => {
      const next = applyChanges(base(), { price: { amount: 999, currency: 'EUR' }, active: false }, t1);
      expect(next).toMatchObject({
        name: 'Mug',
        price: { amount: 999, currency: 'EUR' },
        active: false,
        updatedAt: t1.toISOString(),
      });
    });

    it('returns the same product when nothing changes', () => {
      const product = base();
      expect(applyChanges(product, { name: 'Mug', price: { amount: 1299, currency: 'EUR' } }, t1)).toBe(product);
    });

    it('ignores fields given as undefined', () => {
      expect(applyChanges(base(), { name: undefined, description: 'Bigger' }, t1)).toMatchObject({
        name: 'Mug',
        description: 'Bigger',
      });
    });
  });
});
