import { describe, expect, it } from '@jest/globals';
import { DEFAULT_THROTTLING, throttlingConfigFrom } from './throttling.config.js';

describe('throttlingConfigFrom', () => {
  it('uses the defaults, in memory and trusting no proxy, when nothing is set', () => {
    const config = throttlingConfigFrom({});
    expect(config).toEqual(DEFAULT_THROTTLING);
    expect(config.redisUrl).toBeUndefined();
    expect(config.trustProxy).toBeUndefined();
  });

  it('reads the per-address limit as <requests>/<window>, or off', () => {
    expect(throttlingConfigFrom({ SEAM_THROTTLE_LIMIT: '50/1m' }).perAddress).toEqual({ limit: 50, ttlMs: 60_000 });
    expect(throttlingConfigFrom({ SEAM_THROTTLE_LIMIT: '7 / 500ms' }).perAddress).toEqual({ limit: 7, ttlMs: 500 });
    expect(throttlingConfigFrom({ SEAM_THROTTLE_LIMIT: 'OFF' }).perAddress).toBeUndefined();
  });

  it.each(['1000', '0/10s', '10/0s', '10/10d', '-1/1s', '1e3/1s'])('refuses SEAM_THROTTLE_LIMIT=%s', (value) => {
    expect(() => throttlingConfigFrom({ SEAM_THROTTLE_LIMIT: value })).toThrow(/SEAM_THROTTLE_LIMIT must be/);
  });

  it('shares the counters in Redis when SEAM_THROTTLE_REDIS_URL is a Redis URL, and refuses anything else', () => {
    expect(throttlingConfigFrom({ SEAM_THROTTLE_REDIS_URL: 'redis://cache:6379/2' }).redisUrl).toBe(
      'redis://cache:6379/2',
    );
    expect(() => throttlingConfigFrom({ SEAM_THROTTLE_REDIS_URL: 'http://cache:6379' })).toThrow(
      'SEAM_THROTTLE_REDIS_URL must be a redis:// or rediss:// URL',
    );
  });

  it('passes hop counts and named proxies to Express, and refuses to believe every X-Forwarded-For', () => {
    expect(throttlingConfigFrom({ SEAM_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(throttlingConfigFrom({ SEAM_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    for (const value of ['true', 'TRUE', '*', '0.0.0.0/0', '::/0'])
      expect(() => throttlingConfigFrom({ SEAM_TRUST_PROXY: value })).toThrow(
        /would believe X-Forwarded-For from anyone/,
      );
  });
});
