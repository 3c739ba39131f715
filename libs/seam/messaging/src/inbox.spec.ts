import { describe, expect, it } from '@jest/globals';
import { inboxOptions } from './inbox.js';

describe('inboxOptions', () => {
  it('fills in the defaults and refuses what is not a positive integer', () => {
    expect(inboxOptions({ maxGroupSize: 4 })).toEqual({ maxGroupSize: 4, groupLockTimeoutMs: 100 });
    expect(() => inboxOptions({ maxGroupSize: 0 })).toThrow(RangeError);
    expect(() => inboxOptions({ groupLockTimeoutMs: 2.5 })).toThrow('groupLockTimeoutMs must be a positive integer');
    expect(() => inboxOptions({ maxGroupSize: 1_001 })).toThrow('maxGroupSize must be at most 1000');
  });
});
