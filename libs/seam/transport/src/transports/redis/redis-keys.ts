/**
 * Redis key and channel names of Seam's transports. Kept in one place because every process of a
 * deployment must agree on them: they are part of the wire format.
 */
export const redisKeys = {
  /** Stream of requests to a module; its consumer group is named after the module. */
  requests: (module: string) => `seam:rq:${module}`,
  /** Stream of one event pattern; each subscribing module reads it through its own group. */
  events: (pattern: string) => `seam:ev:${pattern}`,
  /** Pub/sub channel on which one client instance receives its replies. */
  replies: (clientId: string) => `seam:rp:${clientId}`,
  /** Pub/sub channel on which the replicas of a module announce they are alive. */
  heartbeats: (module: string) => `seam:hb:${module}`,
};

/** A heartbeat as published by a replica. */
export interface Heartbeat {
  replica: string;
  /** `up` every interval; `down` once when the replica shuts down. */
  state: 'up' | 'down';
}

/** How often replicas announce themselves. */
export const HEARTBEAT_INTERVAL_MS = 100;

/**
 * How long a replica may stay silent before clients consider it dead and fail the calls it held
 * with Unavailable. Five missed heartbeats: tolerant of a busy event loop, and well inside the
 * one-second detection target.
 */
export const HEARTBEAT_TIMEOUT_MS = 500;
