import { describe, expect, it } from '@jest/globals';
import {
  DAY_MS,
  DEFAULT_IDEMPOTENCY_RETENTION_MS,
  idempotencyRetentionMs,
  MAX_IDEMPOTENCY_RETENTION_MS,
  MIN_IDEMPOTENCY_RETENTION_MS,
} from './idempotency-retention.js';

describe('idempotencyRetentionMs', () => {
  const providerTimeoutMs = 2_000;

  it('is 30 days when unset, and the configured value when in range', () => {
    expect(idempotencyRetentionMs({ providerTimeoutMs })).toBe(30 * DAY_MS);
    expect(DEFAULT_IDEMPOTENCY_RETENTION_MS).toBe(30 * DAY_MS);
    expect(idempotencyRetentionMs({ providerTimeoutMs, idempotencyRetentionMs: 2 * DAY_MS })).toBe(2 * DAY_MS);
    expect(idempotencyRetentionMs({ providerTimeoutMs, idempotencyRetentionMs: MAX_IDEMPOTENCY_RETENTION_MS })).toBe(
      MAX_IDEMPOTENCY_RETENTION_MS,
    );
  });

  it('refuses, naming the setting, a retention shorter than 2 days, longer than 10 years, or not a whole number', () => {
    for (const hostile of [
      0,
      -DAY_MS,
      MIN_IDEMPOTENCY_RETENTION_MS - 1,
      MAX_IDEMPOTENCY_RETENTION_MS + 1,
      2.5 * DAY_MS + 0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '30' as unknown as number,
    ]) {
      expect(() => idempotencyRetentionMs({ providerTimeoutMs, idempotencyRetentionMs: hostile })).toThrow(
        new RangeError(
          `Payments idempotencyRetentionMs must be a whole number of ms from 172800000 (2 days) to 315360000000 (10 years), got ${hostile}`,
        ),
      );
    }
  });

  it('refuses a retention that would prune a claim whose provider call may still answer', () => {
    const slowProvider = { providerTimeoutMs: 3 * DAY_MS, idempotencyRetentionMs: 3 * DAY_MS };
    expect(() => idempotencyRetentionMs(slowProvider)).toThrow(
      /idempotencyRetentionMs \(259200000\) must be longer than the abandoned-claim threshold of providerTimeoutMs 259200000 \(259228000 ms\)/,
    );
    expect(idempotencyRetentionMs({ ...slowProvider, idempotencyRetentionMs: 4 * DAY_MS })).toBe(4 * DAY_MS);
  });
});
