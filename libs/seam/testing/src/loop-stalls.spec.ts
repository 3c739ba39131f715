import { describe, expect, it } from '@jest/globals';
import { LoopStalls } from './loop-stalls.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LoopStalls', () => {
  describe('stop', () => {
    it('reports a 200 ms busy loop as a stall of at least about that long', async () => {
      const stalls = LoopStalls.watch();
      await tick(20);
      const started = performance.now();
      while (performance.now() - started < 200); // the stall
      await tick(20);
      expect(stalls.stop()).toBeGreaterThanOrEqual(190);
    });
  });
});
