import { describe, expect, it } from '@jest/globals';
import { ANY_CALLER, defineContract, event } from '@seam/transport';
import { EventSubscribers } from './event-subscribers.js';

class Paid {
  id!: string;
}

const Till = defineContract('till', {
  paid: event({ pattern: 'till.sale.paid', subscribers: ['books', 'stock'], payload: Paid }),
  opened: event({ pattern: 'till.drawer.opened', subscribers: [], payload: Paid }),
  counted: event({ pattern: 'till.cash.counted', subscribers: [ANY_CALLER], payload: Paid }),
});

describe('EventSubscribers', () => {
  describe('of', () => {
    const lists = EventSubscribers.of(Till);

    it("takes the module's name from the contract", () => {
      expect(lists.module).toBe('till');
    });

    it('names the modules an event lists, none for an empty list, anyone for [ANY_CALLER]', () => {
      expect(lists.of('till.sale.paid')).toEqual(['books', 'stock']);
      expect(lists.of('till.drawer.opened')).toEqual([]);
      expect(lists.of('till.cash.counted')).toBe(ANY_CALLER);
    });

    it('answers anyone for a pattern the contract does not declare (an old row of a removed event)', () => {
      expect(lists.of('till.sale.voided')).toBe(ANY_CALLER);
      expect(lists.of('')).toBe(ANY_CALLER);
      expect(lists.of('__proto__')).toBe(ANY_CALLER);
    });

    it('refuses what is not a contract', () => {
      expect(() => EventSubscribers.of({ paid: Till.paid })).toThrow(/Not a contract/);
      expect(() => EventSubscribers.of(Object.create(null) as object)).toThrow(/Not a contract/);
    });
  });

  describe('declares', () => {
    const lists = EventSubscribers.of(Till);

    it('accepts the contract’s own entries', () => {
      expect(lists.declares(Till.paid)).toBe(true);
      expect(lists.declares(Till.opened)).toBe(true);
    });

    it('refuses an entry the contract does not declare, or a copy naming other subscribers', () => {
      expect(lists.declares({ ...Till.paid, pattern: 'till.sale.voided' })).toBe(false);
      expect(lists.declares({ ...Till.paid, subscribers: ['books'] })).toBe(false);
      expect(lists.declares({ ...Till.paid, subscribers: ['books', 'stock', 'spy'] })).toBe(false);
      expect(lists.declares({ ...Till.opened, subscribers: [ANY_CALLER] })).toBe(false);
    });
  });

  describe('unlisted', () => {
    const lists = EventSubscribers.unlisted('till');

    it('sends every event to anyone and declares every entry', () => {
      expect(lists.module).toBe('till');
      expect(lists.of('till.sale.paid')).toBe(ANY_CALLER);
      expect(lists.declares(Till.opened)).toBe(true);
    });
  });
});
