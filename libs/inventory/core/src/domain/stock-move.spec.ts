import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import type { ReservationStatus } from './reservation.js';
import { transition } from './reservation-status.js';
import { applyMove, type StockCounts, stockMove } from './stock-move.js';

describe('stock move', () => {
  describe('stockMove', () => {
    it('moves units between available and reserved as each effect says', () => {
      expect(stockMove('hold', 3)).toEqual({ available: -3, reserved: 3 });
      expect(stockMove('ship', 3)).toEqual({ available: 0, reserved: -3 });
      expect(stockMove('unhold', 3)).toEqual({ available: 3, reserved: -3 });
      expect(stockMove('restock', 3)).toEqual({ available: 3, reserved: 0 });
    });
  });

  describe('applyMove', () => {
    it('refuses a move that would make a count negative', () => {
      expect(applyMove({ available: 2, reserved: 0 }, stockMove('hold', 3))).toBeUndefined();
      expect(applyMove({ available: 2, reserved: 0 }, stockMove('hold', 2))).toEqual({ available: 0, reserved: 2 });
      expect(applyMove({ available: 0, reserved: 1 }, stockMove('ship', 2))).toBeUndefined();
    });

    it('keeps every unit accounted for through any sequence of reservations, commits and releases', () => {
      // One sku, several orders of one line each; a command refused by the stock rule changes nothing.
      const step = fc.record({
        order: fc.nat(4),
        command: fc.constantFrom('reserve', 'commit', 'release'),
        quantity: fc.integer({ min: 1, max: 4 }),
      });
      fc.assert(
        fc.property(fc.nat(12), fc.array(step, { maxLength: 40 }), (initial, steps) => {
          let counts: StockCounts = { available: initial, reserved: 0 };
          const orders = new Map<number, { status: ReservationStatus; quantity: number }>();
          for (const { order, command, quantity } of steps) {
            const existing = orders.get(order);
            if (command === 'reserve') {
              const next = existing ? counts : applyMove(counts, stockMove('hold', quantity));
              if (next && !existing) orders.set(order, { status: 'reserved', quantity });
              counts = next ?? counts;
              continue;
            }
            if (!existing) continue;
            const change = transition(existing.status, command);
            if (change.kind !== 'change') continue;
            const next = applyMove(counts, stockMove(change.effect, existing.quantity));
            expect(next).toBeDefined(); // a legal transition always finds its units where it left them
            counts = next!;
            existing.status = change.to;
          }
          const held = [...orders.values()]
            .filter((o) => o.status === 'reserved')
            .reduce((sum, o) => sum + o.quantity, 0);
          const sold = [...orders.values()]
            .filter((o) => o.status === 'committed')
            .reduce((sum, o) => sum + o.quantity, 0);
          expect(counts.reserved).toBe(held);
          expect(counts.available + counts.reserved + sold).toBe(initial);
        }),
      );
    });
  });
});
