import { describe, expect, it } from '@jest/globals';
import {
  isTombstone,
  MAX_UNITS_PER_SKU,
  mergeLines,
  newReservation,
  oversizedLines,
  sameLines,
  tombstone,
} from './reservation.js';

describe('reservation', () => {
  describe('mergeLines', () => {
    it('adds up the quantities of a repeated sku and sorts by sku', () => {
      expect(
        mergeLines([
          { sku: 'B', quantity: 1 },
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 3 },
        ]),
      ).toEqual([
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 4 },
      ]);
    });

    it('sorts by code unit, the same way on every machine', () => {
      expect(
        mergeLines([
          { sku: 'a', quantity: 1 },
          { sku: 'B-2', quantity: 1 },
          { sku: 'B-10', quantity: 1 },
        ]).map((line) => line.sku),
      ).toEqual(['B-10', 'B-2', 'a']);
    });
  });

  describe('oversizedLines', () => {
    it('finds the skus over the limit once added up', () => {
      const lines = mergeLines([
        { sku: 'A', quantity: MAX_UNITS_PER_SKU },
        { sku: 'B', quantity: MAX_UNITS_PER_SKU },
        { sku: 'B', quantity: 1 },
      ]);
      expect(oversizedLines(lines)).toEqual([{ sku: 'B', quantity: MAX_UNITS_PER_SKU + 1 }]);
    });
  });

  describe('sameLines', () => {
    it('ignores how the lines are split and ordered', () => {
      expect(
        sameLines(
          [
            { sku: 'A', quantity: 3 },
            { sku: 'B', quantity: 1 },
          ],
          [
            { sku: 'B', quantity: 1 },
            { sku: 'A', quantity: 1 },
            { sku: 'A', quantity: 2 },
          ],
        ),
      ).toBe(true);
    });

    it('tells a different quantity or an extra sku apart', () => {
      expect(sameLines([{ sku: 'A', quantity: 3 }], [{ sku: 'A', quantity: 2 }])).toBe(false);
      expect(
        sameLines(
          [{ sku: 'A', quantity: 3 }],
          [
            { sku: 'A', quantity: 3 },
            { sku: 'B', quantity: 1 },
          ],
        ),
      ).toBe(false);
    });
  });

  describe('newReservation', () => {
    it('starts reserved, with merged lines, stamped with now', () => {
      const now = new Date('2026-01-01T00:00:00.000Z');
      expect(
        newReservation(
          'o-1',
          [
            { sku: 'A', quantity: 1 },
            { sku: 'A', quantity: 1 },
          ],
          now,
        ),
      ).toEqual({
        orderId: 'o-1',
        status: 'reserved',
        lines: [{ sku: 'A', quantity: 2 }],
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
    });
  });

  describe('tombstone', () => {
    it('is released, holds nothing, and is told apart from a reservation released after it held stock', () => {
      const at = '2026-01-01T00:00:00.000Z';
      const dead = tombstone('o-1', at);
      expect(dead).toEqual({ orderId: 'o-1', status: 'released', lines: [], createdAt: at, updatedAt: at });
      expect(isTombstone(dead)).toBe(true);
      const held = newReservation('o-2', [{ sku: 'A', quantity: 1 }], new Date(at));
      expect(isTombstone(held)).toBe(false);
      expect(isTombstone({ ...held, status: 'released' })).toBe(false);
    });
  });
});
