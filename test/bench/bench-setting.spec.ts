import { describe, expect, it } from '@jest/globals';
import { benchSetting } from '../../bench/topology/bench-setting.js';

describe('benchSetting', () => {
  it('is the fallback unless set, and what is set otherwise', () => {
    expect(benchSetting('BENCH_X', undefined, 8, { what: 'rounds', whole: true })).toBe(8);
    expect(benchSetting('BENCH_X', '3', 8, { what: 'rounds', whole: true })).toBe(3);
    expect(benchSetting('BENCH_Y', '2.5', 10, { what: 'seconds' })).toBe(2.5);
  });

  it.each(['', '0', '-3', 'ten', 'Infinity', 'NaN'])('refuses %p, naming the variable and the default', (raw) => {
    expect(() => benchSetting('BENCH_Y', raw, 10, { what: 'seconds' })).toThrow(
      /^BENCH_Y: seconds, above 0 \(default 10\)/,
    );
  });

  it('refuses a fraction where a whole number is asked for', () => {
    expect(() => benchSetting('BENCH_X', '2.5', 8, { what: 'rounds', whole: true })).toThrow(
      'BENCH_X: rounds, a whole number above 0 (default 8), not "2.5"',
    );
  });
});
