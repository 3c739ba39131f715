import type { Server } from 'node:http';

/** How long a client may take to send a request, and how many connections a Seam HTTP server keeps. */
export interface HttpServerLimits {
  /** From a request's first byte to the end of its headers, in ms (0: no limit). */
  readonly headersTimeoutMs: number;
  /** From a request's first byte to the end of its body, in ms (0: no limit). */
  readonly requestTimeoutMs: number;
  /** Open connections at most; one more is closed as it is accepted (0: no limit). */
  readonly maxConnections: number;
  /**
   * How long an idle kept-alive connection stays open, in ms (0: no limit). Behind a balancer
   * that reuses connections, longer than the balancer's own idle timeout: else the server may
   * close a connection as the balancer sends on it, and that request fails (a 502 at the balancer).
   */
  readonly keepAliveTimeoutMs: number;
}

/**
 * The limits unless the environment says otherwise. Node's own let a request take 60 s for its
 * headers and 5 min in all, checked every 30 s, with no cap on connections: a client sending a
 * byte now and then held a connection, and its memory, for minutes (slowloris), and enough of
 * them exhausted the process's descriptors. A JSON API whose bodies are at most 100 kB needs
 * neither: 20 s for the headers and 30 s in all still leave a slow mobile link 3 kB/s.
 */
export const DEFAULT_HTTP_SERVER_LIMITS: HttpServerLimits = Object.freeze({
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 30_000,
  maxConnections: 10_000,
  // Node's own.
  keepAliveTimeoutMs: 5_000,
});

/** The variables {@link httpServerLimitsFromEnv} reads, with the largest value each accepts. */
const SETTINGS = {
  headersTimeoutMs: { name: 'SEAM_HTTP_HEADERS_TIMEOUT_MS', max: 3_600_000, what: 'milliseconds' },
  requestTimeoutMs: { name: 'SEAM_HTTP_REQUEST_TIMEOUT_MS', max: 3_600_000, what: 'milliseconds' },
  maxConnections: { name: 'SEAM_HTTP_MAX_CONNECTIONS', max: 1_000_000, what: 'connections' },
  keepAliveTimeoutMs: { name: 'SEAM_HTTP_KEEP_ALIVE_TIMEOUT_MS', max: 3_600_000, what: 'milliseconds' },
} as const;

/** A limit set in the environment that cannot be used; the process refuses to start. */
export class HttpServerLimitsError extends Error {
  override readonly name = 'HttpServerLimitsError';
}

/**
 * The limits of the process's HTTP servers from `SEAM_HTTP_HEADERS_TIMEOUT_MS`,
 * `SEAM_HTTP_REQUEST_TIMEOUT_MS`, `SEAM_HTTP_MAX_CONNECTIONS` and `SEAM_HTTP_KEEP_ALIVE_TIMEOUT_MS`
 * (whole numbers, 0 for no limit), each {@link DEFAULT_HTTP_SERVER_LIMITS}' when unset or empty.
 *
 * When only the whole request's limit is set, below the headers' default, the headers get as long.
 *
 * @throws HttpServerLimitsError naming the variable when a value is not a whole number in its
 *   range, or when the headers are allowed longer than the whole request.
 */
export function httpServerLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpServerLimits {
  const limits = { ...DEFAULT_HTTP_SERVER_LIMITS };
  for (const [key, { name, max, what }] of Object.entries(SETTINGS) as Array<
    [keyof HttpServerLimits, (typeof SETTINGS)[keyof typeof SETTINGS]]
  >) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    // Digits only: Number() would take '1e3', '0x10' and ' ', parseInt '30s'.
    const value = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value <= max))
      throw new HttpServerLimitsError(
        `${name} must be a whole number of ${what} from 0 (no limit) to ${max.toLocaleString('en')}, got "${raw.slice(0, 40)}"`,
      );
    limits[key] = value;
  }
  // Only the whole request's limit set, below the headers' default: the headers get as long (as Node
  // does with its own defaults), rather than a refusal naming a variable the operator never set.
  if (!env[SETTINGS.headersTimeoutMs.name]?.trim() && limits.requestTimeoutMs > 0)
    limits.headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const { headersTimeoutMs, requestTimeoutMs } = limits;
  if (headersTimeoutMs > 0 && requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs)
    throw new HttpServerLimitsError(
      `${SETTINGS.headersTimeoutMs.name} (${headersTimeoutMs}) must not exceed ${SETTINGS.requestTimeoutMs.name} (${requestTimeoutMs}): the headers are part of the request`,
    );
  return limits;
}

/**
 * Sets `limits` on `server`, before it listens. A request past a timeout is answered 408 and its
 * connection closed (counted in `http_requests_refused_total`, see `countRefusedRequests`). Node
 * looks for such requests every 30 s by default, which let a 20-s limit run to 50: it looks here
 * four times per shortest limit, at least every second.
 */
export function applyHttpServerLimits(server: Server, limits: HttpServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node compares with >=: 0 would refuse every connection, where 0 here means no cap.
  server.maxConnections = limits.maxConnections > 0 ? limits.maxConnections : Number.POSITIVE_INFINITY;
  const timeouts = [limits.headersTimeoutMs, limits.requestTimeoutMs].filter((ms) => ms > 0);
  // Read when the server starts listening (Node's setupConnectionsTracking).
  if (timeouts.length > 0)
    (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
      25,
      Math.min(1_000, Math.floor(Math.min(...timeouts) / 4)),
    );
}
