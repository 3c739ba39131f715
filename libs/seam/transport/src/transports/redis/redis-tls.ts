import type { ConnectionOptions } from 'node:tls';
import type { RedisOptions } from 'ioredis';
import { parseRedisUrl } from './redis-url.js';

/**
 * How every Redis connection of a process authenticates: the ACL user it logs in as, and for
 * `rediss://` URLs the TLS settings. Applies to all of Seam's Redis connections alike (streams
 * and pub/sub, clients and servers, reply subscribers, heartbeats and presence).
 */
export interface SeamRedisSecurity {
  /** ACL user of this process (overrides the one in the URL): one per service, see `redisAclFor`. */
  username?: string;
  /** Its password (overrides the one in the URL). Never logged. */
  password?: string;
  /** TLS settings used by `rediss://` URLs; TLS itself is chosen by the scheme. */
  tls?: SeamRedisTlsOptions;
  /**
   * Redis ACL users vouch for callers (streams transport): each caller appends its requests to a
   * stream only its own user may write (`seam:rq:<module>:<caller>`, rules from `redisAclFor`), so
   * the stream names the caller and requests, replies and events travel without a per-envelope
   * signature; heartbeats stay signed. Needs `username` (a least-privileged user per process) and
   * mesh keys; each process checks at start that its user cannot write outside its rules and that
   * Redis refuses a connection without credentials, and refuses to start otherwise. See
   * docs/security.md, "Redis: callers vouched for by ACL users".
   */
  aclIdentities?: boolean;
}

/** TLS towards Redis (PEM texts, not file names). */
export interface SeamRedisTlsOptions {
  /** The CA that signed Redis's certificate (default: Node's bundled public CAs). */
  ca?: string;
  /** A client certificate and its key, for a Redis that requires one (`tls-auth-clients yes`). */
  cert?: string;
  key?: string;
  /** The name Redis's certificate must carry, when not the URL's host. */
  serverName?: string;
}

/** TLS 1.2 at least (RFC 8996 deprecates 1.0/1.1); 1.3 whenever Redis offers it. */
const MIN_VERSION = 'TLSv1.2';

/**
 * The ioredis options of a connection to `url` under `security`: address and database from the
 * URL, the process's ACL credentials, and — for `rediss://` — TLS that verifies Redis's
 * certificate against the CA and the host name (or `serverName`).
 *
 * @throws Error when TLS settings are given for a plain `redis://` URL: the operator meant TLS,
 * and silently connecting in the clear would defeat it.
 */
export function redisConnectionOptions(
  url: string,
  security: SeamRedisSecurity = {},
): Pick<RedisOptions, 'host' | 'port' | 'db' | 'username' | 'password' | 'tls' | 'disableClientInfo'> {
  const { tls, ...address } = parseRedisUrl(url);
  if (!tls && security.tls)
    throw new Error(`Redis TLS settings are given but ${redisScheme(url)} is not rediss://: use a rediss:// URL`);
  const credentials = {
    ...(security.username !== undefined && { username: security.username }),
    ...(security.password !== undefined && { password: security.password }),
  };
  return {
    ...address,
    ...credentials,
    ...(tls && { tls: redisTlsOptions(address.host, security.tls) }),
    // CLIENT SETINFO (Redis 7.2+) is informational only; without it a least-privileged user needs no rule for it.
    disableClientInfo: true,
  };
}

function redisTlsOptions(host: string, tls: SeamRedisTlsOptions = {}): ConnectionOptions {
  if ((tls.cert === undefined) !== (tls.key === undefined))
    throw new Error('Redis TLS: a client certificate needs its key and a key its certificate');
  const ip = /^[\d.]+$/.test(host) || host.includes(':');
  return {
    rejectUnauthorized: true,
    minVersion: MIN_VERSION,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.cert !== undefined && { cert: tls.cert, key: tls.key }),
    // SNI carries host names only; for an IP Node checks the certificate's IP SANs against the host.
    ...((tls.serverName ?? (ip ? undefined : host)) !== undefined && { servername: tls.serverName ?? host }),
  };
}

/** The scheme and host of `url`, for messages (never its credentials). */
function redisScheme(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}
