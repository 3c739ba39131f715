import type { Redis, RedisOptions } from 'ioredis';
import { UnavailableError } from '../../errors/seam-error.js';
import { redisConnectFailure } from './redis-connect-failure.js';
import { redisConnectionOptions, type SeamRedisSecurity } from './redis-tls.js';

/** Where a Seam Redis connection goes and how it authenticates. */
export interface RedisTarget {
  /** `redis://` or `rediss://` (TLS) */
  url: string;
  /** ACL credentials and TLS settings of this process. */
  security?: SeamRedisSecurity;
}

/** Longest wait between two reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/** The part of ioredis Seam uses: its client class. */
export interface IoredisModule {
  Redis: typeof Redis;
}

let ioredis: Promise<IoredisModule> | undefined;

/**
 * ioredis, imported at the first Redis connection rather than when the process starts: a process
 * whose transports are all in-process or TCP never loads its ~50 modules (bench:startup).
 */
export function loadIoredis(): Promise<IoredisModule> {
  return (ioredis ??= import('ioredis'));
}

/**
 * A Redis connection for Seam's transports: reconnects forever with a capped backoff (so a Redis
 * restart heals by itself), and refuses commands while disconnected instead of queueing them, so
 * that a call made during an outage fails at once as Unavailable rather than waiting blindly.
 * `target` is a URL, or a URL with the process's credentials and TLS settings. Not connected yet
 * (`lazyConnect`): {@link whenReady} connects it.
 */
export async function createRedisConnection(
  target: string | RedisTarget,
  name: string,
  overrides: RedisOptions = {},
): Promise<Redis> {
  const { url, security } = typeof target === 'string' ? { url: target, security: undefined } : target;
  const { Redis } = await loadIoredis();
  return new Redis({
    ...redisConnectionOptions(url, security),
    connectionName: name,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * attempt, MAX_RECONNECT_DELAY_MS),
    ...overrides,
  });
}

/**
 * Waits until `redis` is ready (connecting it if needed).
 *
 * @param where who connects where, for the error (no credentials); default Redis's host and port.
 * @throws Error with the reason Redis closed the connection (WRONGPASS, NOAUTH, ECONNREFUSED…; see
 *   `redisConnectFailure`), not ioredis's bare "Connection is closed."
 */
export async function whenReady(redis: Redis, where?: string): Promise<void> {
  if (redis.status === 'ready') return;
  let last: Error | undefined;
  const remember = (error: Error) => {
    last = error;
  };
  redis.on('error', remember);
  try {
    if (redis.status === 'wait') await redis.connect();
    else await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  } catch (error) {
    throw redisConnectFailure(error, last, where ?? `Redis ${redis.options.host}:${redis.options.port}`);
  } finally {
    redis.off('error', remember);
  }
}

/** Redact credentials from a Redis URL for logs and errors. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'redis://(invalid url)';
  }
}

/** The error of a call that cannot be made or answered through the Redis at `endpoint`. */
export function unavailableAt(endpoint: string, reason: unknown): UnavailableError {
  const text = reason instanceof Error ? reason.message : String(reason);
  return new UnavailableError(`${endpoint} is unavailable: ${text}`, { endpoint });
}

/** The error of a call to `module` when no replica of it is alive behind `endpoint`. */
export function noReplicaAt(endpoint: string, module: string): UnavailableError {
  return new UnavailableError(`No replica of "${module}" is alive (${endpoint})`, { module, endpoint });
}

/**
 * Closes `redis` for good: politely (`QUIT`, which lets queued replies leave) when it is
 * connected, at once otherwise. `QUIT` alone is refused while disconnected (no offline queue),
 * which would leave ioredis reconnecting for ever — against a Redis that refuses the
 * credentials, say — and the process unable to exit.
 */
export async function closeRedis(redis: Redis | undefined): Promise<void> {
  if (!redis) return;
  if (redis.status !== 'ready') return redis.disconnect();
  await redis.quit().catch(() => redis.disconnect());
}
