import { isIPv6 } from 'node:net';
import type { Endpoint } from '@seam/transport';

/** Transports a topology address may name, by URL scheme. */
export const ADDRESS_SCHEMES = Object.freeze(['tcp', 'redis', 'redis-pubsub', 'rediss', 'rediss-pubsub'] as const);

/**
 * Parses a module address written as a URL — the one format of topology files and of the
 * `SEAM_<MODULE>_ADDRESS` overrides:
 * - `tcp://host:port` — Nest's TCP transport (port 1-65535: callers dial it as written);
 * - `redis://host:port[/db]` — Seam's load-balanced Redis streams (replicas compete);
 * - `redis-pubsub://host:port[/db]` — Nest's stock Redis pub/sub wire format (one replica only);
 * - `rediss://…`, `rediss-pubsub://…` — the same over TLS.
 *
 * @throws Error whose message says what is wrong with the address (never with its credentials).
 */
export function parseAddress(address: string): Endpoint {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(address)?.[1]?.toLowerCase();
  if (!scheme) throw new Error(`"${redact(address)}" is not an address: expected tcp://host:port or redis://host:port`);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error(`"${redact(address)}" is not a valid ${scheme}:// address`);
  }
  // Nothing reads a query or a fragment: `redis://host:6379?db=3` would silently run on database 0.
  if (url.search || url.hash)
    throw new Error(
      `"${redact(address)}" has a ${url.search ? 'query' : 'fragment'}, which no transport reads: an address must be ` +
        'only a scheme, host and port (a Redis one may add user:password@ and its database as the path, ' +
        'redis://host:6379/3); TLS is rediss://, TLS files and Redis users are SEAM_TLS_* and SEAM_REDIS_* variables',
    );
  switch (scheme) {
    case 'tcp':
      tcpHasNoExtras(url, address);
      return { transport: 'tcp', host: hostOf(url, address), port: portOf(url, address) };
    case 'redis':
    case 'rediss':
      return { transport: 'redis', url: redisUrl(url, address, scheme), mode: 'streams' };
    case 'redis-pubsub':
    case 'rediss-pubsub':
      return { transport: 'redis', url: redisUrl(url, address, scheme), mode: 'pubsub' };
    default:
      throw new Error(
        `unknown transport "${scheme}" in "${redact(address)}": expected one of ${ADDRESS_SCHEMES.map((known) => `${known}://`).join(', ')}`,
      );
  }
}

/**
 * A host as it must be written in a URL or `host:port`: an IPv6 address in brackets (`[::1]`),
 * anything else as it is — unbracketed, `::1:8080` is no address a parser can read.
 */
export function urlHost(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

/** The address of an endpoint, as {@link parseAddress} reads it. */
export function formatAddress(endpoint: Endpoint): string {
  switch (endpoint.transport) {
    case 'tcp':
      return `tcp://${urlHost(endpoint.host)}:${endpoint.port}`;
    case 'redis':
      return endpoint.mode === 'pubsub' ? endpoint.url.replace(/^(rediss?):/, '$1-pubsub:') : endpoint.url;
    case 'in-process':
      return 'in-process';
  }
}

/**
 * An address with any password replaced (`redis://user:***@host:6379`; credentials without a `:`
 * become `***`), fit for logs and error messages. Works on any string, parsable or not, as it
 * was written: the credentials run from the `//` (or the start, when there is none) to the
 * *last* `@`, because a password written unencoded may itself hold `/`, `@`, `?` or `#`. A `@`
 * further on, in a path or query, only masks more than needed — never less.
 */
export function redact(address: string): string {
  const at = address.lastIndexOf('@');
  if (at === -1) return address;
  const slashes = address.indexOf('//');
  const start = slashes !== -1 && slashes < at ? slashes + 2 : 0;
  const credentials = address.slice(start, at);
  const colon = credentials.indexOf(':');
  return `${address.slice(0, start)}${colon === -1 ? '***' : `${credentials.slice(0, colon)}:***`}${address.slice(at)}`;
}

function hostOf(url: URL, address: string): string {
  if (!url.hostname) throw new Error(`"${redact(address)}" has no host`);
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** A TCP address is a host and a port: credentials or a path would be dropped without a word. */
function tcpHasNoExtras(url: URL, address: string): void {
  if (url.username || url.password)
    throw new Error(
      `"${redact(address)}" has credentials, which TCP does not carry: processes authenticate with mesh keys ` +
        '(SEAM_MESH_KEYS_FILE) and encrypt with SEAM_TLS_*; write tcp://host:port',
    );
  if (url.pathname !== '' && url.pathname !== '/')
    throw new Error(`"${redact(address)}" has a path, which TCP does not read: write tcp://host:port`);
}

function portOf(url: URL, address: string): number {
  // URL drops a port it finds out of range only by throwing; an absent port is '' (tcp has no default).
  if (!url.port) throw new Error(`"${redact(address)}" has no port: a TCP address needs one (tcp://host:port)`);
  // A listener on 0 gets a port chosen at start-up that no caller could know, so callers would dial port 0.
  if (Number(url.port) === 0)
    throw new Error(
      `"${redact(address)}" has port 0: callers dial the address as written, so give a fixed port (1-65535)`,
    );
  return Number(url.port);
}

function redisUrl(url: URL, address: string, scheme: string): string {
  hostOf(url, address);
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw new Error(`"${redact(address)}": the Redis database must be a number`);
  const credentials = url.username || url.password ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  const tls = scheme.startsWith('rediss');
  return `${tls ? 'rediss' : 'redis'}://${credentials}${url.host}${path ? `/${path}` : ''}`;
}
