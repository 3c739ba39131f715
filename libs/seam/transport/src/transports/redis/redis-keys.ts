/**
 * Redis key and channel names of Seam's transports. Kept in one place because every process of a
 * deployment must agree on them: they are part of the wire format.
 */
export const redisKeys = {
  /** Stream of requests to a module; its consumer group is named after the module. */
  requests: (module: string) => `seam:rq:${module}`,
  /**
   * Stream of the requests one caller identity sends a module, when Redis ACL users vouch for
   * callers (`SeamRedisSecurity.aclIdentities`): only that caller's user may append to it. Module
   * names hold no `:`, so the name cannot be mistaken for another module's stream.
   */
  callerRequests: (module: string, caller: string) => `seam:rq:${module}:${caller}`,
  /** Stream of one event pattern; each subscribing module reads it through its own group. */
  events: (pattern: string) => `seam:ev:${pattern}`,
  /** Pub/sub channel on which one client instance receives its replies. */
  replies: (clientId: string) => `seam:rp:${clientId}`,
  /** Pub/sub channel on which the replicas of a module announce they are alive. */
  heartbeats: (module: string) => `seam:hb:${module}`,
  /**
   * Pub/sub channel each live replica of a module stays subscribed to. Redis drops a subscription
   * when its connection closes, so the channel's subscriber count (`PUBSUB NUMSUB`) is the number
   * of replicas still connected, whatever their event loops are doing. Nothing is published on it.
   */
  modulePresence: (module: string) => `seam:pr:m:${module}`,
  /**
   * Pub/sub channel one replica of `module` stays subscribed to while it is connected; see
   * {@link redisKeys.modulePresence}. Named after the module too, so that ACL rules can let only
   * the module's own users hold it (`seam:pr:r:<module>:*`): anyone else subscribing would keep a
   * dead replica counted alive. Module names hold no `:`, so no module's pattern reaches another's.
   */
  replicaPresence: (module: string, replica: string) => `seam:pr:r:${module}:${replica}`,
};

/** Whether `channel` is a presence channel ({@link redisKeys.modulePresence}, {@link redisKeys.replicaPresence}). */
export const isPresenceChannel = (channel: string): boolean => channel.startsWith('seam:pr:');

/** A heartbeat as published by a replica. */
export interface Heartbeat {
  replica: string;
  /** `up` every interval; `down` once when the replica shuts down. */
  state: 'up' | 'down';
}

/** How often replicas announce themselves. */
export const HEARTBEAT_INTERVAL_MS = 200;

/**
 * How long a replica may stay silent before a client suspects it and asks Redis whether its
 * presence subscription is still there (three missed heartbeats). Suspicion alone fails nothing,
 * so this can be short: it sets how fast a killed replica's calls fail (about this long), and a
 * stalled event loop only costs one `PUBSUB NUMSUB` per suspect per period.
 */
export const SUSPECT_AFTER_MS = 600;
