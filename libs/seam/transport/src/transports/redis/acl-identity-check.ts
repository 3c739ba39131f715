import type { Redis } from 'ioredis';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { randomHex } from '../../context/random-ids.js';
import { closeRedis, createRedisConnection, type RedisTarget } from './redis-connection.js';

/** Redis's answers to a command the connection's user may not run. */
const REFUSED = /^(NOPERM|NOAUTH|WRONGPASS)\b/;

/**
 * Checks what a process relies on before it lets Redis ACL users vouch for callers
 * (`SeamRedisSecurity.aclIdentities`): that it logs in as a user of its own, that this user may
 * not append to a stream outside the rules `redisAclFor` gives it, and that a connection without
 * credentials may not append anywhere (the `default` user is off or powerless). Otherwise any
 * module could write another's request stream, and speak as it. Run once per client and server.
 *
 * @param commands a ready connection of the process, logged in as its user.
 * @param serverKeys a server's mesh keys (required), or `'client'`.
 * @throws Error saying what is wrong — never quoting the password.
 */
export async function assertAclVouches(
  commands: Redis,
  target: RedisTarget,
  /** A server's mesh keys: they name the callers whose streams it reads (absent: a client). */
  serverKeys: EnvelopeAuth | 'client' | undefined,
): Promise<void> {
  if (serverKeys === undefined)
    throw new Error(
      'Redis ACL identities need mesh keys: they name the callers whose request streams a server reads, and heartbeats stay signed',
    );
  const security = target.security ?? {};
  const username = security.username;
  if (!username)
    throw new Error(
      'Redis ACL identities need an ACL user per process (SEAM_REDIS_USERNAME): without one, Redis cannot tell modules apart',
    );
  const probe = `seam:acl-probe:${randomHex(8)}`;
  if (await mayAppend(commands, probe))
    throw new Error(
      `Redis ACL identities: user "${username}" may write "${probe}", outside Seam's rules (redisAclFor), so it could write other modules' request streams; give it the rules of redisAclFor, or sign every envelope instead (SEAM_REDIS_ACL_IDENTITIES=0)`,
    );
  // Same address and TLS settings (client certificate included), no user: what a process that
  // reaches Redis but holds no password gets.
  const anonymous = await createRedisConnection(
    { url: target.url, security: { tls: security.tls } },
    'seam:acl-probe',
    {
      enableReadyCheck: false,
      retryStrategy: () => null,
    },
  );
  anonymous.on('error', () => undefined);
  try {
    const connected = await anonymous.connect().then(
      () => true,
      () => false,
    );
    if (connected && (await mayAppend(anonymous, probe)))
      throw new Error(
        `Redis ACL identities: a connection without credentials may write "${probe}"; turn the default user off (user default off), or sign every envelope instead (SEAM_REDIS_ACL_IDENTITIES=0)`,
      );
  } finally {
    await closeRedis(anonymous);
  }
}

/** Whether `redis` may append to `stream` (the probe entry is removed again when it could). */
async function mayAppend(redis: Redis, stream: string): Promise<boolean> {
  try {
    await redis.xadd(stream, 'MAXLEN', '1', '*', 'probe', '1');
  } catch (error) {
    if (REFUSED.test((error as Error).message)) return false;
    throw error;
  }
  await redis.del(stream).catch(() => undefined);
  return true;
}
