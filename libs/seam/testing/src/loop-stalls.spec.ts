import { describe, expect, it } from '@jest/globals';
import { LoopStalls } from './loop-stalls.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const busy = (ms: number) => {
  const started = performance.now();
  while (performance.now() - started < ms); // the stall
};

describe('LoopStalls', () => {
  it('reports a 200 ms busy loop as a stall of at least about that long', async () => {
    const stalls = LoopStalls.watch();
    await tick(20);
    busy(200);
    await tick(20);
    expect(stalls.stop()).toBeGreaterThanOrEqual(190);
  });

  it('sees a stall that starts at once, before the watch has ticked', async () => {
    const stalls = LoopStalls.watch();
    busy(200);
    await tick(20);
    expect(stalls.stop()).toBeGreaterThanOrEqual(190);
  });

  it('counts the stall in progress when asked during it', () => {
    const stalls = LoopStalls.watch();
    busy(100);
    expect(stalls.longestMs()).toBeGreaterThanOrEqual(90);
    stalls.stop();
  });
});
