import { describe, expect, it } from '@jest/globals';
import { Guestbook, GUESTBOOK_CAPACITY, type GuestbookRecord } from './guestbook.domain.js';

function greeting(n: number): GuestbookRecord {
  return { id: `event-${n}`, name: `guest ${n}`, greeting: `Hello, guest ${n}!`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString() };
}

describe('Guestbook', () => {
  describe('constructor', () => {
    it('keeps 100 greetings by default', () => {
      expect(new Guestbook().capacity).toBe(GUESTBOOK_CAPACITY);
      expect(GUESTBOOK_CAPACITY).toBe(100);
    });

    it.each([[0], [-1], [1.5], [Number.NaN]])('rejects a capacity of %p', (capacity) => {
      expect(() => new Guestbook(capacity)).toThrow(RangeError);
    });
  });

  describe('record', () => {
    it('records a greeting, which latest() shows without its event id', () => {
      const book = new Guestbook();
      expect(book.record(greeting(1))).toBe(true);
      expect(book.latest()).toEqual([{ name: 'guest 1', greeting: 'Hello, guest 1!', at: '2026-01-01T00:00:01.000Z' }]);
    });

    it('records a redelivered event once', () => {
      const book = new Guestbook();
      book.record(greeting(1));
      expect(book.record({ ...greeting(1), name: 'someone else' })).toBe(false);
      expect(book.latest().map((line) => line.name)).toEqual(['guest 1']);
    });

    it('forgets the oldest greeting beyond capacity, and forgets its id too', () => {
      const book = new Guestbook(3);
      for (let n = 1; n <= 4; n++) book.record(greeting(n));
      expect(book.latest().map((line) => line.name)).toEqual(['guest 4', 'guest 3', 'guest 2']);
      expect(book.record(greeting(1))).toBe(true);
      expect(book.latest().map((line) => line.name)).toEqual(['guest 1', 'guest 4', 'guest 3']);
    });

    it('keeps its own copy of the record', () => {
      const book = new Guestbook();
      const record = greeting(1);
      book.record(record);
      record.name = 'changed afterwards';
      expect(book.latest()[0]!.name).toBe('guest 1');
    });
  });

  describe('latest', () => {
    it('returns at most `limit` greetings, newest first', () => {
      const book = new Guestbook();
      for (let n = 1; n <= 5; n++) book.record(greeting(n));
      expect(book.latest(2).map((line) => line.name)).toEqual(['guest 5', 'guest 4']);
      expect(book.latest(50)).toHaveLength(5);
    });

    it('returns nothing for a limit below 1, and nothing when empty', () => {
      const book = new Guestbook();
      expect(book.latest()).toEqual([]);
      book.record(greeting(1));
      expect(book.latest(0)).toEqual([]);
    });
  });
});
