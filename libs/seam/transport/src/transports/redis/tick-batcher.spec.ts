import { describe, expect, it } from '@jest/globals';
import { TickBatcher } from './tick-batcher.js';

/** Resolves after the callbacks already queued with `process.nextTick` (the batcher's drain) have run. */
const endOfTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

function recording(maxBatch: number): { batcher: TickBatcher<string>; flushes: Array<[string, string[]]> } {
  const flushes: Array<[string, string[]]> = [];
  const batcher = new TickBatcher<string>((key, items) => void flushes.push([key, [...items]]), maxBatch);
  return { batcher, flushes };
}

describe('TickBatcher', () => {
  describe('add', () => {
    it('holds items until the end of the tick, then flushes them grouped per key, in order', async () => {
      const { batcher, flushes } = recording(16);
      batcher.add('orders', 'o1');
      batcher.add('catalog', 'c1');
      batcher.add('orders', 'o2');
      batcher.add('orders', 'o3');
      expect(flushes).toEqual([]);
      await endOfTick();
      expect(flushes).toEqual([
        ['orders', ['o1', 'o2', 'o3']],
        ['catalog', ['c1']],
      ]);
    });

    it('flushes a key at once when it reaches maxBatch, and the rest at the end of the tick', async () => {
      const { batcher, flushes } = recording(3);
      batcher.add('orders', 'o1');
      batcher.add('catalog', 'c1');
      batcher.add('orders', 'o2');
      expect(flushes).toEqual([]);
      batcher.add('orders', 'o3');
      expect(flushes).toEqual([['orders', ['o1', 'o2', 'o3']]]);
      batcher.add('orders', 'o4');
      await endOfTick();
      expect(flushes).toEqual([
        ['orders', ['o1', 'o2', 'o3']],
        ['catalog', ['c1']],
        ['orders', ['o4']],
      ]);
    });

    it('flushes every item at once with maxBatch 1', () => {
      const { batcher, flushes } = recording(1);
      batcher.add('orders', 'o1');
      batcher.add('orders', 'o2');
      expect(flushes).toEqual([
        ['orders', ['o1']],
        ['orders', ['o2']],
      ]);
    });

    it('flushes a key that reached maxBatch exactly once, not again at the end of the tick', async () => {
      const { batcher, flushes } = recording(2);
      batcher.add('orders', 'o1');
      batcher.add('orders', 'o2');
      await endOfTick();
      expect(flushes).toEqual([['orders', ['o1', 'o2']]]);
    });

    it('starts a new batch in the next tick', async () => {
      const { batcher, flushes } = recording(16);
      batcher.add('orders', 'o1');
      await endOfTick();
      batcher.add('orders', 'o2');
      await endOfTick();
      expect(flushes).toEqual([
        ['orders', ['o1']],
        ['orders', ['o2']],
      ]);
    });

    it('keeps items added while a batch is being flushed for a later batch', async () => {
      const flushes: Array<[string, string[]]> = [];
      const batcher: TickBatcher<string> = new TickBatcher<string>((key, items) => {
        flushes.push([key, [...items]]);
        if (items.includes('o1')) batcher.add(key, 'retry-of-o1');
      }, 16);
      batcher.add('orders', 'o1');
      await endOfTick();
      expect(flushes).toEqual([
        ['orders', ['o1']],
        ['orders', ['retry-of-o1']],
      ]);
    });

    it('keeps the order of 1,000 items of one key across full batches', async () => {
      const { batcher, flushes } = recording(16);
      const items = Array.from({ length: 1_000 }, (_, i) => `o${i}`);
      for (const item of items) batcher.add('orders', item);
      await endOfTick();
      expect(flushes.every(([key, batch]) => key === 'orders' && batch.length <= 16)).toBe(true);
      expect(flushes.flatMap(([, batch]) => batch)).toEqual(items);
      expect(flushes).toHaveLength(Math.ceil(1_000 / 16));
    });
  });
});
