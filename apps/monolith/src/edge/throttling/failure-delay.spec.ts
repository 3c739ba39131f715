import { describe, expect, it } from '@jest/globals';
import { delayAfter } from './failure-delay.js';

const policy = { freeFailures: 5, windowMs: 900_000, firstDelayMs: 2_000, maxDelayMs: 60_000 };

describe('delayAfter', () => {
  it('costs nothing for the free failures', () => {
    for (let failures = 0; failures < 5; failures++) expect(delayAfter(failures, policy)).toBe(0);
  });

  it('then doubles with each failure, up to the cap', () => {
    expect([5, 6, 7, 8, 9, 10].map((failures) => delayAfter(failures, policy))).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000,
    ]);
  });

  it('stays at the cap however many failures there were', () => {
    expect(delayAfter(5_000, policy)).toBe(60_000);
    expect(delayAfter(Number.MAX_SAFE_INTEGER, policy)).toBe(60_000);
  });
});
