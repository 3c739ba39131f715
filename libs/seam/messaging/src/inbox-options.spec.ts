import { describe, expect, it } from '@jest/globals';
import { DEFAULT_INBOX_OPTIONS, inboxOptions } from './inbox-options.js';

describe('inboxOptions', () => {
  it('fills in the defaults and refuses what is not a positive integer', () => {
    expect(inboxOptions({ maxGroupSize: 4 })).toEqual({ ...DEFAULT_INBOX_OPTIONS, maxGroupSize: 4 });
    expect(() => inboxOptions({ maxGroupSize: 0 })).toThrow(RangeError);
    expect(() => inboxOptions({ groupLockTimeoutMs: 2.5 })).toThrow('groupLockTimeoutMs must be a positive integer');
    expect(() => inboxOptions({ maxGroupSize: 1_001 })).toThrow('maxGroupSize must be at most 1000');
  });

  it('keeps entries 14 days and prunes hourly unless told otherwise', () => {
    expect(DEFAULT_INBOX_OPTIONS).toMatchObject({ retentionMs: 14 * 86_400_000, pruneEveryMs: 3_600_000 });
    expect(inboxOptions({ retentionMs: 7_200_000, pruneEveryMs: 60_000 })).toMatchObject({
      retentionMs: 7_200_000,
      pruneEveryMs: 60_000,
    });
  });

  it.each([
    [{ retentionMs: 300_000 }, 'retentionMs must be at least 3600000 (an hour'],
    [{ retentionMs: -1 }, 'retentionMs must be a positive integer'],
    [{ retentionMs: Number.NaN }, 'retentionMs must be a positive integer'],
    [{ pruneEveryMs: 0 }, 'pruneEveryMs must be a positive integer'],
    [{ pruneEveryMs: 2 ** 31 }, 'pruneEveryMs must be at most 2147483647'],
  ])('refuses %p', (options, message) => {
    expect(() => inboxOptions(options)).toThrow(message);
  });
});
