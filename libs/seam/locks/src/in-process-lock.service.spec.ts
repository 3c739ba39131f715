import { describe, expect, it } from '@jest/globals';
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
});
