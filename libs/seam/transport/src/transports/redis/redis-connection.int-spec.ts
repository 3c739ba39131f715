import { describe, expect, it } from '@jest/globals';
import { freePort } from '@seam/testing';
import { createRedisConnection, whenReady } from './redis-connection.js';

const REDIS_URL = process.env.SEAM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('whenReady', () => {
  it('fails with the reason Redis gave, not "Connection is closed.", and what to check', async () => {
    const redis = await createRedisConnection(
      { url: REDIS_URL, security: { username: 'seam-nobody', password: 'never-printed-7f3a' } },
      'test',
    );
    try {
      const failure = whenReady(redis, 'Test server');
      await expect(failure).rejects.toThrow(
        /^Test server: could not connect to Redis: WRONGPASS .* check the credentials/,
      );
      await expect(failure).rejects.not.toThrow(/never-printed/);
    } finally {
      redis.disconnect();
    }
  });

  it('says nothing listens when the connection is refused', async () => {
    const redis = await createRedisConnection(`redis://127.0.0.1:${await freePort()}`, 'test');
    try {
      await expect(whenReady(redis)).rejects.toThrow(
        /could not connect to Redis: .*ECONNREFUSED.* is Redis running there/,
      );
    } finally {
      redis.disconnect();
    }
  });
});
