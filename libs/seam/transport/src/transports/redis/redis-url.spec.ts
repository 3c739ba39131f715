import { describe, expect, it } from '@jest/globals';
import { parseRedisUrl } from './redis-url.js';

describe('redis-url', () => {
  describe('parseRedisUrl', () => {
    it.each([
      ['redis://cache.internal:6380', { host: 'cache.internal', port: 6380 }],
      ['redis://cache.internal', { host: 'cache.internal', port: 6379 }],
      ['redis://cache.internal/', { host: 'cache.internal', port: 6379 }],
      ['redis://cache.internal:6380/0', { host: 'cache.internal', port: 6380, db: 0 }],
      ['redis://cache.internal:6380/15', { host: 'cache.internal', port: 6380, db: 15 }],
      ['redis://10.0.0.7:6379/2', { host: '10.0.0.7', port: 6379, db: 2 }],
      ['redis://[::1]:6380/1', { host: '::1', port: 6380, db: 1 }],
      [
        'redis://seam:s3cret@cache.internal:6380/3',
        { host: 'cache.internal', port: 6380, db: 3, username: 'seam', password: 's3cret' },
      ],
      ['redis://:s3cret@cache.internal', { host: 'cache.internal', port: 6379, password: 's3cret' }],
      ['redis://seam@cache.internal', { host: 'cache.internal', port: 6379, username: 'seam' }],
      [
        'redis://se%40m:p%3Ass%2Fw%40rd@cache.internal',
        { host: 'cache.internal', port: 6379, username: 'se@m', password: 'p:ss/w@rd' },
      ],
      ['rediss://cache.internal:6380/1', { host: 'cache.internal', port: 6380, db: 1, tls: true }],
      [
        'rediss://orders:s3cret@cache.internal',
        { host: 'cache.internal', port: 6379, username: 'orders', password: 's3cret', tls: true },
      ],
    ])('parses %s', (url, address) => {
      expect(parseRedisUrl(url)).toEqual(address);
    });

    it.each([
      ['http://cache.internal:6379', /scheme must be redis:\/\//],
      ['redisss://cache.internal:6379', /scheme must be redis:\/\//],
      ['rediss+tls://cache.internal:6379', /scheme must be redis:\/\//],
      ['cache.internal:6379', /scheme must be redis:\/\//],
      ['redis://cache.internal/abc', /database must be a number/],
      ['redis://cache.internal/1.5', /database must be a number/],
      ['redis://cache.internal/-1', /database must be a number/],
      ['redis://cache.internal/1e1', /database must be a number/],
      ['redis://cache.internal/0x10', /database must be a number/],
      ['redis://cache.internal/1/2', /database must be a number/],
      ['garbage', /expected redis:\/\/host:port\/db/],
      ['', /expected redis:\/\/host:port\/db/],
      ['redis://cache.internal:99999', /expected redis:\/\/host:port\/db/],
    ])('refuses %j with a clear error', (url, reason) => {
      expect(() => parseRedisUrl(url)).toThrow(reason);
      expect(() => parseRedisUrl(url)).toThrow(/^Invalid Redis URL/);
    });

    it.each([
      'redis://seam:s3cret@cache.internal/abc',
      'http://seam:s3cret@cache.internal',
      'redis://seam:s3cret@cache.internal:99999',
      'redis://seam:s3/cret@cache.internal',
      'rediss://seam:s3cret@cache.internal/x',
    ])('keeps the password of %s out of the error message', (url) => {
      expect(() => parseRedisUrl(url)).toThrow(/^Invalid Redis URL/);
      expect(() => parseRedisUrl(url)).not.toThrow(/s3cret|s3\/cret/);
    });

    it('masks the credentials but keeps the rest of the URL in the message', () => {
      expect(() => parseRedisUrl('redis://seam:s3cret@cache.internal/abc')).toThrow(
        'Invalid Redis URL "redis://***@cache.internal/abc": the database must be a number',
      );
    });
  });
});
