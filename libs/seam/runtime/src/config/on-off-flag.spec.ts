import { describe, expect, it } from '@jest/globals';
import { onOffFlag } from './on-off-flag.js';

class FlagError extends Error {}
const flag = (value: string | undefined, fallback = false) =>
  onOffFlag({ SEAM_FLAG: value }, 'SEAM_FLAG', fallback, (message) => new FlagError(message));

describe('onOffFlag', () => {
  it('answers the fallback when the variable is unset or blank', () => {
    expect(flag(undefined)).toBe(false);
    expect(flag(' ', true)).toBe(true);
  });

  it.each(['on', '1', 'true', 'ON', ' True '])('is on for %p, whatever the fallback', (value) => {
    expect(flag(value, false)).toBe(true);
  });

  it.each(['off', '0', 'false', 'OFF', ' False '])('is off for %p, whatever the fallback', (value) => {
    expect(flag(value, true)).toBe(false);
  });

  it.each(['yes', '2', 'o n', 'auto'])('refuses %p with the caller’s error, naming the variable', (value) => {
    expect(() => flag(value)).toThrow(FlagError);
    expect(() => flag(value)).toThrow(`SEAM_FLAG must be on or off (1 or 0, true or false); got "${value}"`);
  });

  it('quotes at most 20 characters of a refused value, escaped', () => {
    expect(() => flag(`${'x'.repeat(100)}\n{"level":60}`)).toThrow(`got "${'x'.repeat(20)}"`);
    expect(() => flag('a"\nb')).toThrow('got "a\\"\\nb"');
  });
});
