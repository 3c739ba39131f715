import { afterEach, describe, expect, it } from '@jest/globals';
import { MemoryThrottleStore } from './memory-throttle.store.js';

describe('MemoryThrottleStore', () => {
  let now = 1_000_000;
  let store: MemoryThrottleStore;
  const make = () => {
    now = 1_000_000;
    store = new MemoryThrottleStore(() => now);
    return store;
  };
  afterEach(() => store?.onApplicationShutdown());

  describe('increment', () => {
    it('counts hits in a fixed window and starts a new one when it ends', async () => {
      make();
      expect(await store.increment('k', 10_000, 3, 0, 't')).toEqual({
        totalHits: 1,
        timeToExpire: 10,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
      now += 4_000;
      expect((await store.increment('k', 10_000, 3, 0, 't')).timeToExpire).toBe(6);
      now += 6_000;
      expect((await store.increment('k', 10_000, 3, 0, 't')).totalHits).toBe(1);
    });

    it('blocks for blockDuration past the limit, counts nothing meanwhile, then starts afresh', async () => {
      make();
      for (let hit = 0; hit < 3; hit++)
        expect((await store.increment('k', 10_000, 3, 30_000, 't')).isBlocked).toBe(false);
      expect(await store.increment('k', 10_000, 3, 30_000, 't')).toMatchObject({
        isBlocked: true,
        timeToBlockExpire: 30,
      });
      now += 29_500;
      expect(await store.increment('k', 10_000, 3, 30_000, 't')).toMatchObject({
        isBlocked: true,
        timeToBlockExpire: 1,
      });
      now += 500;
      expect(await store.increment('k', 10_000, 3, 30_000, 't')).toMatchObject({ isBlocked: false, totalHits: 1 });
    });

    it('without a block duration, refuses until the window ends', async () => {
      make();
      await store.increment('k', 10_000, 1, 0, 't');
      now += 2_000;
      expect(await store.increment('k', 10_000, 1, 0, 't')).toMatchObject({ isBlocked: true, timeToBlockExpire: 8 });
      now += 8_000;
      expect((await store.increment('k', 10_000, 1, 0, 't')).isBlocked).toBe(false);
    });

    it('keeps each throttler and each key apart', async () => {
      make();
      await store.increment('k', 10_000, 1, 10_000, 'a');
      expect((await store.increment('k', 10_000, 1, 10_000, 'a')).isBlocked).toBe(true);
      expect((await store.increment('k', 10_000, 1, 10_000, 'b')).isBlocked).toBe(false);
      expect((await store.increment('other', 10_000, 1, 10_000, 'a')).isBlocked).toBe(false);
    });
  });

  describe('delay', () => {
    it('makes a subject wait, never shortens a longer wait, and ends', async () => {
      make();
      expect(await store.delayLeft('s')).toBe(0);
      await store.delay('s', 8_000);
      await store.delay('s', 2_000);
      now += 3_000;
      expect(await store.delayLeft('s')).toBe(5_000);
      now += 5_000;
      expect(await store.delayLeft('s')).toBe(0);
    });
  });

  describe('memory', () => {
    it('keeps at most maxEntries counters and delays, dropping the oldest', async () => {
      now = 1_000_000;
      store = new MemoryThrottleStore(() => now, 3);
      for (const key of ['a', 'b', 'c', 'd']) {
        await store.increment(key, 60_000, 1, 60_000, 't');
        await store.increment(key, 60_000, 1, 60_000, 't');
        await store.delay(key, 60_000);
      }
      // 'a' was dropped: it starts afresh; 'b', 'c' and 'd' are still blocked and delayed.
      expect((await store.increment('a', 60_000, 1, 60_000, 't')).isBlocked).toBe(false);
      expect(await store.delayLeft('a')).toBe(0);
      for (const key of ['c', 'd']) {
        expect((await store.increment(key, 60_000, 1, 60_000, 't')).isBlocked).toBe(true);
        expect(await store.delayLeft(key)).toBe(60_000);
      }
    });
  });

  describe('forget', () => {
    it("clears the subject's delay and its counter, not others'", async () => {
      make();
      await store.delay('s', 8_000);
      await store.delay('t', 8_000);
      await store.increment('s', 60_000, 100, 0, 'failures');
      await store.increment('s', 60_000, 100, 0, 'failures');
      await store.forget('s', 'failures');
      expect(await store.delayLeft('s')).toBe(0);
      expect(await store.delayLeft('t')).toBe(8_000);
      expect((await store.increment('s', 60_000, 100, 0, 'failures')).totalHits).toBe(1);
    });
  });
});
