import { describe, expect, it } from '@jest/globals';
import { type PendingCall, PendingCalls, type QueuedCall } from './stream-calls.js';

const STREAM = 'seam:requests:orders';

/** A table whose entry deletions are recorded, and `count` calls queued on one stream. */
function table(count: number): { pending: PendingCalls; deleted: string[]; queued: QueuedCall[] } {
  const deleted: string[] = [];
  const pending = new PendingCalls((stream, entryId) => void deleted.push(`${stream} ${entryId}`));
  const queued = Array.from({ length: count }, (_, index) => {
    const call: PendingCall = { module: 'orders', stream: STREAM, reply: () => undefined };
    pending.add(`c${index}`, call);
    return { id: `c${index}`, call, body: '{}' };
  });
  return { pending, deleted, queued };
}

describe('PendingCalls', () => {
  describe('entryOf', () => {
    it('binds the calls still waited on to one entry, leaving out those given up while queued', () => {
      const { pending, queued } = table(3);
      pending.abandon('c1');
      const bound = pending.entryOf(queued)!;
      expect(bound.live.map(({ id }) => id)).toEqual(['c0', 'c2']);
      expect(bound.entry).toEqual({ open: 2, dropped: 0 });
      expect(queued[0]!.call.entry).toBe(bound.entry);
    });

    it('has nothing to append when every queued call was given up', () => {
      const { pending, queued } = table(2);
      pending.abandon('c0');
      pending.abandon('c1');
      expect(pending.entryOf(queued)).toBeUndefined();
    });
  });

  describe('abandon', () => {
    it('deletes an appended entry once every one of its calls is given up, not before', () => {
      const { pending, deleted, queued } = table(2);
      const { entry } = pending.entryOf(queued)!;
      pending.appended(STREAM, entry, '1-0');
      expect(pending.abandon('c0')).toBe(queued[0]!.call);
      expect(deleted).toEqual([]);
      pending.abandon('c1');
      expect(deleted).toEqual([`${STREAM} 1-0`]);
      expect(pending.size).toBe(0);
    });

    it('leaves an entry a replica answered part of to that replica, deleting it only when the rest is given up', () => {
      const { pending, deleted, queued } = table(2);
      const { entry } = pending.entryOf(queued)!;
      pending.appended(STREAM, entry, '2-0');
      expect(pending.answered('c0')).toBe(queued[0]!.call);
      expect(deleted).toEqual([]);
      pending.abandon('c1');
      expect(deleted).toEqual([`${STREAM} 2-0`]);
    });

    it('answers undefined for a call nobody waits for (answered, abandoned or unknown)', () => {
      const { pending, queued } = table(1);
      pending.entryOf(queued);
      pending.answered('c0');
      expect(pending.abandon('c0')).toBeUndefined();
      expect(pending.answered('c0')).toBeUndefined();
      expect(pending.abandon('nope')).toBeUndefined();
    });
  });

  describe('appended', () => {
    it('deletes at once an entry whose calls were all given up while it was being appended', () => {
      const { pending, deleted, queued } = table(2);
      const { entry } = pending.entryOf(queued)!;
      pending.abandon('c0');
      pending.abandon('c1');
      expect(deleted).toEqual([]);
      pending.appended(STREAM, entry, '3-0');
      expect(deleted).toEqual([`${STREAM} 3-0`]);
    });

    it('keeps an entry whose calls are all still waited on', () => {
      const { pending, deleted, queued } = table(2);
      pending.appended(STREAM, pending.entryOf(queued)!.entry, '4-0');
      expect(deleted).toEqual([]);
      expect(pending.has('c0') && pending.has('c1')).toBe(true);
    });
  });

  describe('idsOf', () => {
    it('lists the calls picked, as a copy that failing them does not disturb', () => {
      const { pending } = table(3);
      pending.add('other', { module: 'catalog', stream: 'seam:requests:catalog', reply: () => undefined });
      const ids = pending.idsOf((call) => call.module === 'orders');
      for (const id of ids) pending.abandon(id);
      expect(ids).toEqual(['c0', 'c1', 'c2']);
      expect(pending.idsOf(() => true)).toEqual(['other']);
    });
  });
});
