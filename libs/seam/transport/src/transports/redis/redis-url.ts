/** The ioredis connection options encoded in a `redis://` URL (Nest's Redis transport takes them apart). */
export interface RedisAddress {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
}

/** Parses `redis://[user:pass@]host[:port][/db]`; throws a clear error for anything else. */
export function parseRedisUrl(url: string): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Invalid Redis URL "${url}": expected redis://host:port/db`);
  }
  if (parsed.protocol !== 'redis:') throw new Error(`Invalid Redis URL "${url}": the scheme must be redis://`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isInteger(db)) throw new Error(`Invalid Redis URL "${url}": the database must be a number`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(db === undefined ? {} : { db }),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

/** Options that make Nest's Redis transport reconnect forever after a Redis restart. */
export const NEST_REDIS_RECONNECT = { retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 200 };
