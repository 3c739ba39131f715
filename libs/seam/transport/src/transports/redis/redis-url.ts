/** The ioredis connection options encoded in a `redis://` URL (Nest's Redis transport takes them apart). */
export interface RedisAddress {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
  /** Set for `rediss://`: the connection must be TLS. */
  tls?: true;
}

/**
 * Parses `redis://[user:pass@]host[:port][/db]`, or `rediss://…` for TLS; throws a clear error
 * (never quoting the credentials) for anything else.
 */
export function parseRedisUrl(url: string): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Invalid Redis URL "${withoutCredentials(url)}": expected redis://host:port/db`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new Error(`Invalid Redis URL "${withoutCredentials(url)}": the scheme must be redis:// or rediss://`);
  const path = parsed.pathname.slice(1);
  // Number() alone would take "-1", "1e1" or "0x10" for a database index.
  if (path !== '' && !/^\d+$/.test(path))
    throw new Error(`Invalid Redis URL "${withoutCredentials(url)}": the database must be a number`);
  return {
    // URL keeps the brackets of an IPv6 host ("[::1]"), which Redis clients cannot resolve.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(path === '' ? {} : { db: Number(path) }),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: true as const } : {}),
  };
}

/** `url` for an error message: whatever precedes the last `@` (credentials) is masked. */
function withoutCredentials(url: string): string {
  const at = url.lastIndexOf('@');
  if (at === -1) return url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  return `${scheme}***${url.slice(at)}`;
}

/** Options that make Nest's Redis transport reconnect forever after a Redis restart. */
export const NEST_REDIS_RECONNECT = { retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 200 };
