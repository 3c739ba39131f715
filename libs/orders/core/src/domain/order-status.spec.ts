import { describe, expect, it } from '@jest/globals';
import {
  assertTransition,
  canTransition,
  IllegalTransition,
  ORDER_STATUSES,
  type OrderStatus,
} from './order-status.js';

const LEGAL: ReadonlyArray<[OrderStatus, OrderStatus]> = [
  ['pending', 'confirmed'],
  ['pending', 'rejected'],
  ['confirmed', 'cancelled'],
];
const isLegal = (from: OrderStatus, to: OrderStatus) => LEGAL.some(([f, t]) => f === from && t === to);
const ALL_PAIRS = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to): [OrderStatus, OrderStatus] => [from, to]));
const ILLEGAL = ALL_PAIRS.filter(([from, to]) => !isLegal(from, to));

describe('order status', () => {
  describe('canTransition', () => {
    it.each(LEGAL)('allows %s → %s', (from, to) => {
      expect(canTransition(from, to)).toBe(true);
    });

    it.each(ILLEGAL)('refuses %s → %s', (from, to) => {
      expect(canTransition(from, to)).toBe(false);
    });

    it('covers all 16 pairs: 3 legal, 13 illegal', () => {
      expect([LEGAL.length, ILLEGAL.length]).toEqual([3, 13]);
    });
  });

  describe('assertTransition', () => {
    it.each(LEGAL)('passes %s → %s', (from, to) => {
      expect(() => assertTransition(from, to)).not.toThrow();
    });

    it.each(ILLEGAL)('throws IllegalTransition for %s → %s, naming both', (from, to) => {
      const error = (() => {
        try {
          assertTransition(from, to);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(IllegalTransition);
      expect(error).toMatchObject({ from, to, message: `An order cannot go from ${from} to ${to}` });
    });
  });
});
