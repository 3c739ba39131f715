/** A module reached through the in-process transport: it runs in the caller's process. */
export interface InProcessEndpoint {
  transport: 'in-process';
}

/** A module reached over TCP (Nest's TCP transport and wire format). */
export interface TcpEndpoint {
  transport: 'tcp';
  host: string;
  port: number;
}

/**
 * A module reached through Redis.
 * - `streams` (default): Seam's load-balanced channel — each request is handled by exactly one
 *   replica, each event once per subscribing module. Use it whenever a module has replicas.
 * - `pubsub`: Nest's stock Redis wire format — every replica handles every request. Use it to
 *   talk to stock Nest Redis microservices, with one replica per module.
 */
export interface RedisEndpoint {
  transport: 'redis';
  /** `redis://host:port/db` */
  url: string;
  mode?: 'streams' | 'pubsub';
  /**
   * How long a callee replica may stay silent (no heartbeat) before the client asks Redis whether
   * it is still connected; default 600 ms. A replica is declared dead, and the calls it held fail
   * with Unavailable, only once Redis no longer sees its connection: a stalled event loop on
   * either side never does that. Lower detects a killed replica sooner, at the cost of one
   * `PUBSUB NUMSUB` per silent replica per period.
   */
  suspectAfterMs?: number;
}

/** How a module is reached. */
export type Endpoint = InProcessEndpoint | TcpEndpoint | RedisEndpoint;

/** A stable key naming an endpoint: endpoints with the same key share connections and servers. */
export function endpointKey(endpoint: Endpoint): string {
  switch (endpoint.transport) {
    case 'in-process':
      return 'in-process';
    case 'tcp':
      return `tcp://${endpoint.host}:${endpoint.port}`;
    case 'redis':
      return `redis-${endpoint.mode ?? 'streams'}+${endpoint.url}`;
  }
}

/** Whether events reach a module on this endpoint through a broker it consumes from. */
export function isBroker(endpoint: Endpoint): boolean {
  return endpoint.transport === 'redis';
}
