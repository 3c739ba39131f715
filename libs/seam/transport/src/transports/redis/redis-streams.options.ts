import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import type { SeamRedisSecurity } from './redis-tls.js';
import type { RemoteServerOptions } from '../server-core/server-options.js';

/** Options of {@link RedisStreamsClient}. */
export interface RedisStreamsClientOptions {
  /** `redis://host:port/db`, or `rediss://` for TLS */
  url: string;
  /** ACL credentials and TLS settings of this process (see {@link SeamRedisSecurity}). */
  security?: SeamRedisSecurity;
  /** Largest request or event payload in UTF-8 JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** Signs every request and event, and accepts only signed replies (see `EnvelopeAuth`). */
  auth?: EnvelopeAuth;
  /**
   * How long a replica may stay silent before this client asks Redis whether it is still connected
   * (default 600 ms). Only a replica Redis no longer sees is declared dead, so this sets how fast the
   * calls of a killed replica fail, not how long a stall may last.
   */
  suspectAfterMs?: number;
}

/** Options of {@link RedisStreamsServer}. */
export interface RedisStreamsServerOptions extends RemoteServerOptions {
  /** `redis://host:port/db`, or `rediss://` for TLS */
  url: string;
  /** ACL credentials and TLS settings of this process (see {@link SeamRedisSecurity}). */
  security?: SeamRedisSecurity;
  /**
   * Entries read per round trip (default 16). Larger batches save round trips for fast handlers
   * but let one replica take work its idle siblings could have done.
   */
  batchSize?: number;
  /** Messages handled at once by this replica before it stops reading (default 1,000). */
  maxInFlight?: number;
  /**
   * How long a consumer in this module's groups whose replica is gone (it keeps no presence in
   * Redis) may stay idle, holding no pending entry, before this replica deletes it (default 10
   * minutes; checked at start and every minute). Each process start adds a consumer named after
   * its replica, which nothing else removes once the replica is gone. Consumers holding pending
   * entries, and those of live replicas, are kept.
   *
   * @throws RangeError from the server's constructor for a negative or non-numeric value.
   */
  staleConsumerAfterMs?: number;
}
