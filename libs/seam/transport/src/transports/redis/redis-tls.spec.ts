import { describe, expect, it } from '@jest/globals';
import { redisConnectionOptions } from './redis-tls.js';

const CA = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

describe('redis-tls', () => {
  describe('redisConnectionOptions', () => {
    it('keeps a redis:// URL plain, with its own credentials', () => {
      expect(redisConnectionOptions('redis://orders:pw@cache:6380/2')).toEqual({
        host: 'cache',
        port: 6380,
        db: 2,
        username: 'orders',
        password: 'pw',
        disableClientInfo: true,
      });
    });

    it('turns rediss:// into verified TLS (CA, host name, TLS 1.2 at least)', () => {
      expect(redisConnectionOptions('rediss://cache.internal:6380', { tls: { ca: CA } }).tls).toEqual({
        ca: CA,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        servername: 'cache.internal',
      });
      // Without a CA: Node's public CAs, still verified.
      expect(redisConnectionOptions('rediss://cache.internal').tls).toMatchObject({ rejectUnauthorized: true });
      expect(redisConnectionOptions('rediss://127.0.0.1:6380').tls).not.toHaveProperty('servername');
    });

    it("puts the process's ACL user over the URL's", () => {
      const options = redisConnectionOptions('rediss://shared:shared@cache', {
        username: 'seam-orders',
        password: 'x',
      });
      expect(options).toMatchObject({ username: 'seam-orders', password: 'x' });
    });

    it('passes a client certificate for Redis servers that require one, and refuses half of one', () => {
      const tls = { ca: CA, cert: CA, key: 'KEY' };
      expect(redisConnectionOptions('rediss://cache', { tls }).tls).toMatchObject({ cert: CA, key: 'KEY' });
      expect(() => redisConnectionOptions('rediss://cache', { tls: { cert: CA } })).toThrow(/needs its key/);
    });

    it('refuses TLS settings on a plain redis:// URL instead of silently connecting in the clear', () => {
      expect(() => redisConnectionOptions('redis://user:hunter2@cache:6379', { tls: { ca: CA } })).toThrow(
        'Redis TLS settings are given but redis://cache:6379 is not rediss://: use a rediss:// URL',
      );
    });
  });
});
