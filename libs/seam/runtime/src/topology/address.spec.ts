import { describe, expect, it } from '@jest/globals';
import { formatAddress, parseAddress, redact } from './address.js';

describe('parseAddress', () => {
  it('reads rediss and rediss-pubsub (TLS) addresses, keeping the scheme that asks for TLS', () => {
    expect(parseAddress('rediss://seam-orders:pw@redis.internal:6380/1')).toEqual({
      transport: 'redis',
      url: 'rediss://seam-orders:pw@redis.internal:6380/1',
      mode: 'streams',
    });
    expect(parseAddress('rediss-pubsub://redis.internal:6380')).toEqual({
      transport: 'redis',
      url: 'rediss://redis.internal:6380',
      mode: 'pubsub',
    });
    for (const address of ['rediss://redis.internal:6380', 'rediss-pubsub://redis.internal:6380'])
      expect(formatAddress(parseAddress(address))).toBe(address);
    expect(redact('rediss://seam-orders:pw@redis.internal:6380')).toBe('rediss://seam-orders:***@redis.internal:6380');
  });

  it('reads tcp, redis (streams) and redis-pubsub addresses', () => {
    expect(parseAddress('tcp://payments:4104')).toEqual({ transport: 'tcp', host: 'payments', port: 4104 });
    expect(parseAddress('tcp://[::1]:4104')).toEqual({ transport: 'tcp', host: '::1', port: 4104 });
    expect(parseAddress('redis://127.0.0.1:6379/2')).toEqual({
      transport: 'redis',
      url: 'redis://127.0.0.1:6379/2',
      mode: 'streams',
    });
    expect(parseAddress('redis-pubsub://redis:6379')).toEqual({
      transport: 'redis',
      url: 'redis://redis:6379',
      mode: 'pubsub',
    });
    expect(parseAddress('redis://:s3cret@redis:6379')).toEqual({
      transport: 'redis',
      url: 'redis://:s3cret@redis:6379',
      mode: 'streams',
    });
  });

  it('formats what it reads back to the same address', () => {
    for (const address of [
      'tcp://payments:4104',
      'tcp://[::1]:4104',
      'tcp://[fd00::2]:4104',
      'redis://127.0.0.1:6379/2',
      'redis-pubsub://redis:6379',
    ]) {
      expect(formatAddress(parseAddress(address))).toBe(address);
    }
  });

  it.each([
    ['payments:4104', 'is not an address'],
    ['udp://payments:4104', 'unknown transport "udp"'],
    ['nats://nats:4222', 'unknown transport "nats"'],
    ['tcp://payments', 'has no port'],
    ['tcp://payments:99999', 'not a valid tcp:// address'],
    ['tcp://payments:0', 'has port 0'],
    ['tcp://payments:00', 'has port 0'],
    ['tcp://:4104', 'not a valid tcp:// address'],
    ['redis://redis:6379/zero', 'database must be a number'],
    ['', 'is not an address'],
  ])('refuses %j: %s', (address, message) => {
    expect(() => parseAddress(address)).toThrow(message);
  });

  it.each([
    ['redis://127.0.0.1:6379?db=3', 'has a query'],
    ['redis://127.0.0.1:6379/2?db=3', 'has a query'],
    ['rediss://redis:6380?tls=false', 'has a query'],
    ['redis-pubsub://redis:6379#3', 'has a fragment'],
    ['tcp://payments:4104?tls=true', 'has a query'],
    ['tcp://payments:4104/payments', 'has a path'],
    ['tcp://admin:s3cret@payments:4104', 'has credentials'],
    ['tcp://admin@payments:4104', 'has credentials'],
  ])('refuses %j, whose extra part no transport reads (%s), rather than dropping it', (address, message) => {
    expect(() => parseAddress(address)).toThrow(message);
  });

  it('names no password when it refuses the credentials of a TCP address', () => {
    expect(() => parseAddress('tcp://admin:s3cret@payments:4104')).toThrow(/^"tcp:\/\/admin:\*\*\*@payments:4104"/);
    expect(() => parseAddress('tcp://admin:s3cret@payments:4104')).not.toThrow(/s3cret/);
  });

  it('never repeats a password in an error', () => {
    expect(() => parseAddress('redis://user:hunter2@redis:6379/x')).toThrow(/redis:\/\/user:\*\*\*@redis/);
    expect(() => parseAddress('redis://user:hunter2@redis:6379/x')).not.toThrow(/hunter2/);
    expect(redact('redis://:hunter2@redis:6379')).toBe('redis://:***@redis:6379');
  });

  it.each([
    ['redis://user:pa/ss@redis:6379/1', 'redis://user:***@redis:6379/1'],
    ['redis://:a/b/c@redis:6379', 'redis://:***@redis:6379'],
    ['redis://user:p@ss@redis:6379', 'redis://user:***@redis:6379'],
    ['rediss://user:p@s/s@w?rd#x@redis:6380/2', 'rediss://user:***@redis:6380/2'],
    ['redis://token/with@slash@redis:6379', 'redis://***@redis:6379'],
    ['redis:user:hunter2@redis:6379', 'redis:***@redis:6379'],
    ['user:hunter2@redis:6379', 'user:***@redis:6379'],
    ['redis://redis:6379/0', 'redis://redis:6379/0'],
    ['tcp://payments:4104', 'tcp://payments:4104'],
  ])('redacts the password of %j whatever it holds', (address, redacted) => {
    expect(redact(address)).toBe(redacted);
  });

  it('never repeats a password holding / in the error that refuses its address', () => {
    expect(() => parseAddress('redis://user:pa/ss@redis:6379')).toThrow(/^"redis:\/\/user:\*\*\*@redis:6379"/);
    expect(() => parseAddress('redis://user:pa/ss@redis:6379')).not.toThrow(/pa\/|\/ss/);
  });

  it('keeps a password holding @ whole when it parses, and masks it whole when redacted', () => {
    const address = formatAddress(parseAddress('redis://user:p@ss@redis:6379'));
    expect(address).toBe('redis://user:p%40ss@redis:6379');
    expect(redact(address)).toBe('redis://user:***@redis:6379');
  });
});
