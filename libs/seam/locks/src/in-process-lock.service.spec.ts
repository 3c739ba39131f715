import { describe, expect, it } from '@jest/globals';
import { FencedMemoryStore } from './fenced-resource.js';
import { InProcessLockService } from './in-process-lock.service.js';
import { lockServiceProperties } from './testing/lock-service-properties.js';

describe('InProcessLockService', () => {
  lockServiceProperties(() => {
    const service = new InProcessLockService();
    return [service, service];
  });

  describe('acquire', () => {
    it('serves waiters in arrival order', async () => {
      const service = new InProcessLockService();
      const held = await service.acquire('r', { ttlMs: 1_000 });
      const order: number[] = [];
      const waiters = [1, 2, 3].map(async (n) => {
        const lock = await service.acquire('r', { ttlMs: 1_000, waitMs: 1_000 });
        order.push(n);
        await lock.release();
      });
      await held.release();
      await Promise.all(waiters);
      expect(order).toEqual([1, 2, 3]);
    });
  });

  describe('tokens', () => {
    it('go on above the tokens of the process before a restart, for a fenced resource that outlived it', async () => {
      const store = new FencedMemoryStore<string>(); // a database row, say: it survives the restart
      const before = new InProcessLockService();
      for (let i = 0; i < 3; i++) {
        const lock = await before.acquire('stock', { ttlMs: 1_000 });
        store.write('stock', `before ${i}`, lock.token);
        await lock.release();
      }
      await new Promise((resolve) => setTimeout(resolve, 2)); // a restart takes longer than a µs or two
      const after = new InProcessLockService(); // the restarted process
      const lock = await after.acquire('stock', { ttlMs: 1_000 });
      // Before: token 1, and every write after the restart was refused as stale.
      expect(() => store.write('stock', 'after', lock.token)).not.toThrow();
      expect(store.read('stock')).toBe('after');
      await lock.release();
    });

    it('keep nothing of a resource no one holds or waits for', async () => {
      const service = new InProcessLockService();
      for (let i = 0; i < 1_000; i++) await (await service.acquire(`order-${i}`, { ttlMs: 1_000 })).release();
      const expiring = await service.acquire('expiring', { ttlMs: 1, renew: false });
      await new Promise<void>((resolve) => expiring.onLost(resolve));
      const held = await service.acquire('held', { ttlMs: 1_000 });
      // Before: one entry per name ever locked, for the life of the process. Read through the
      // private field: nothing else shows what the service retains.
      expect([...service['resources'].keys()]).toEqual(['held']);
      await held.release();
      expect(service['resources'].size).toBe(0);
    });
  });
});
