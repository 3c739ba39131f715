import { describe, expect, it } from '@jest/globals';
import { benchSetting, loadSettings, maxOtherLoad, optionalBenchSetting } from '../../bench/bench-setting.js';

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

  it('takes 0 where zero is allowed, and still refuses an empty setting there', () => {
    expect(benchSetting('BENCH_W', '0', 2, { what: 'warm-up', zero: true })).toBe(0);
    expect(() => benchSetting('BENCH_W', ' ', 2, { what: 'warm-up', zero: true })).toThrow(
      'BENCH_W: warm-up, 0 or more (default 2), not " "',
    );
  });
});

describe('loadSettings', () => {
  it("is bench:topology's defaults unless set", () => {
    expect(loadSettings({})).toEqual({ connections: 32, durationSeconds: 10, warmUpSeconds: 2, rounds: 3 });
    expect(
      loadSettings({ BENCH_CONNECTIONS: '8', BENCH_DURATION_S: '1.5', BENCH_WARMUP_S: '0', BENCH_ROUNDS: '1' }),
    ).toEqual({ connections: 8, durationSeconds: 1.5, warmUpSeconds: 0, rounds: 1 });
  });

  it.each([
    ['BENCH_CONNECTIONS', '2.5', /^BENCH_CONNECTIONS: connections per cell, a whole number above 0/],
    ['BENCH_CONNECTIONS', '0', /^BENCH_CONNECTIONS: /],
    ['BENCH_DURATION_S', 'ten', /^BENCH_DURATION_S: a cell's measured window in seconds, above 0/],
    ['BENCH_WARMUP_S', '-1', /^BENCH_WARMUP_S: a cell's warm-up in seconds, 0 or more/],
    ['BENCH_ROUNDS', 'three', /^BENCH_ROUNDS: rounds, a whole number above 0 \(default 3\), not "three"/],
  ])('refuses %s=%p, naming it', (name, raw, message) => {
    expect(() => loadSettings({ [name]: raw })).toThrow(message);
  });
});

describe('optionalBenchSetting', () => {
  it('is undefined unless set, so that the library keeps its own default', () => {
    const rule = { what: "the relay's batchSize", whole: true, unset: "the relay's, 50" };
    expect(optionalBenchSetting('BENCH_OUTBOX_BATCH', undefined, rule)).toBeUndefined();
    expect(optionalBenchSetting('BENCH_OUTBOX_BATCH', '100', rule)).toBe(100);
  });

  it.each(['', '0', '12.5', 'fifty'])('refuses %p, saying what applies when it is left out', (raw) => {
    expect(() =>
      optionalBenchSetting('BENCH_OUTBOX_BATCH', raw, { what: 'batch', whole: true, unset: "the relay's, 50" }),
    ).toThrow(`BENCH_OUTBOX_BATCH: batch, a whole number above 0 (default the relay's, 50), not "${raw}"`);
  });
});

describe('maxOtherLoad (BENCH_MAX_OTHER_LOAD)', () => {
  it('is 0.3 cores unless set, and a fraction of a core may be set', () => {
    expect(maxOtherLoad({})).toBe(0.3);
    expect(maxOtherLoad({ BENCH_MAX_OTHER_LOAD: '0.5' })).toBe(0.5);
  });

  // 0 would never be quiet enough: every measurement would wait its minute and be taken again.
  it.each(['0', '', 'half', '-0.2'])('refuses %p', (raw) => {
    expect(() => maxOtherLoad({ BENCH_MAX_OTHER_LOAD: raw })).toThrow(
      /^BENCH_MAX_OTHER_LOAD: cores other programs may keep busy while a benchmark measures, above 0 \(default 0.3\)/,
    );
  });
});
