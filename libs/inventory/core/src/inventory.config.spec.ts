import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_RELEASED_RETENTION_MS,
  inventoryConfigFromEnv,
  MAX_RELEASED_RETENTION_MS,
  MIN_RELEASED_RETENTION_MS,
  releasedRetentionMs,
} from './inventory.config.js';

const DAY_MS = 86_400_000;

describe('inventoryConfigFromEnv', () => {
  it('leaves the retention to its default when unset or blank', () => {
    expect(inventoryConfigFromEnv({})).toEqual({});
    expect(inventoryConfigFromEnv({ INVENTORY_RELEASED_RETENTION_DAYS: '  ' })).toEqual({});
  });

  it('reads the retention in whole days', () => {
    expect(inventoryConfigFromEnv({ INVENTORY_RELEASED_RETENTION_DAYS: ' 7 ' })).toEqual({
      releasedRetentionMs: 7 * DAY_MS,
    });
  });

  it('refuses, naming the variable, a retention that is not a whole number of days from 2 to 3650', () => {
    for (const hostile of ['0', '1', '-30', '1.5', '1e3', '3651', '30d', '0x1e', '9'.repeat(400)])
      expect(() => inventoryConfigFromEnv({ INVENTORY_RELEASED_RETENTION_DAYS: hostile })).toThrow(
        `INVENTORY_RELEASED_RETENTION_DAYS must be a whole number of days from 2 to 3650, got "${hostile}"`,
      );
  });
});

describe('releasedRetentionMs', () => {
  it('is 30 days when unset, and the configured value when in range', () => {
    expect(releasedRetentionMs({})).toBe(DEFAULT_RELEASED_RETENTION_MS);
    expect(DEFAULT_RELEASED_RETENTION_MS).toBe(30 * DAY_MS);
    expect(releasedRetentionMs({ releasedRetentionMs: MIN_RELEASED_RETENTION_MS })).toBe(2 * DAY_MS);
  });

  it('refuses, naming the setting, a retention out of range or not a whole number of ms', () => {
    for (const hostile of [
      0,
      -1,
      MIN_RELEASED_RETENTION_MS - 1,
      MAX_RELEASED_RETENTION_MS + 1,
      3 * DAY_MS + 0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '30' as unknown as number,
    ])
      expect(() => releasedRetentionMs({ releasedRetentionMs: hostile })).toThrow(
        new RangeError(
          `Inventory releasedRetentionMs must be a whole number of ms from 172800000 (2 days) to 315360000000 (10 years), got ${hostile}`,
        ),
      );
  });
});
