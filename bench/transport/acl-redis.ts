import { Redis } from 'ioredis';
import { redisAclFor, type RedisAclSubject, type SeamRedisSecurity } from '@seam/transport';
import { PrivateRedis } from '../../test/support/redis-server.js';

// Fixed passwords: the server is private to one benchmark run and listens on 127.0.0.1 only.
const CALLEE: RedisAclSubject = {
  username: 'seam-bench',
  password: 'bench-callee-password-0123456789',
  hosts: ['bench'],
};
const CALLER: RedisAclSubject = {
  username: 'seam-bench-caller',
  password: 'bench-caller-password-0123456789',
  hosts: [],
  calls: ['bench'],
  speaksAs: ['bench-caller'],
};

/** The Redis security of the benchmark's callee or caller under ACL identities. */
export function benchAclSecurity(side: 'callee' | 'caller'): SeamRedisSecurity {
  const { username, password } = side === 'callee' ? CALLEE : CALLER;
  return { username, password, aclIdentities: true };
}

/**
 * A private redis-server set up as production would be for ACL identities: one least-privileged
 * user per process from `redisAclFor`, and the `default` user off (each process checks both at
 * start). Plain TCP on 127.0.0.1, like the stock row's Redis: TLS would cost both alike.
 */
export async function startAclRedis(): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start();
  const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await admin.connect();
  for (const user of [CALLEE, CALLER]) {
    const { username, rules } = redisAclFor(user);
    await admin.call('ACL', 'SETUSER', username, ...rules);
  }
  // Last: turning the default user off ends this connection too.
  await admin.call('ACL', 'SETUSER', 'default', 'reset', 'off').catch(() => undefined);
  admin.disconnect();
  return redis;
}
