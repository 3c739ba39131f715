/** Options of {@link RedisStreamsClient}. */
export interface RedisStreamsClientOptions {
  /** `redis://host:port/db` */
  url: string;
  /** Largest request or event payload in UTF-8 JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /**
   * How long a replica may stay silent before this client asks Redis whether it is still connected
   * (default 600 ms). Only a replica Redis no longer sees is declared dead, so this sets how fast the
   * calls of a killed replica fail, not how long a stall may last.
   */
  suspectAfterMs?: number;
}
