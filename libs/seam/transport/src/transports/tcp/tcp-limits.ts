import {
  DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
  ENVELOPE_ALLOWANCE_BYTES,
} from '../../wire/limits.js';

/** Safe limits of a TCP connection. */
export interface TcpLimits {
  /** Largest payload in UTF-8 JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /**
   * On a Seam TCP server: how long a peer has to complete a frame, counted from the frame's first
   * byte — more bytes do not extend it, so a peer trickling a byte at a time is dropped too (default
   * 5 s). On a client (Nest's framing): how long the server may pause in the middle of a response.
   */
  incompleteFrameTimeoutMs?: number;
}

/**
 * Limits a Seam TCP server applies across all its connections, so that peers that connect and
 * never finish (slowloris) or start many large frames cannot hold the process's sockets or memory.
 * Every limit that closes a connection also counts it (see `SeamTcpServer.rejections`).
 */
export interface TcpServerLimits {
  /**
   * Most connections open at once (default 1,024). A connection beyond it is closed as soon as it
   * is accepted (Node's `net.Server#maxConnections`) and counted as `connection-limit`. A Seam
   * client keeps one connection per endpoint, so this is the number of calling processes.
   */
  maxConnections?: number;
  /**
   * Most data held across all connections in frames not yet handled (partial frames, mostly), in
   * characters of decoded text, never more than the bytes received (default 64 MiB: 63 frames at
   * the default 1 MiB limit arriving at once). A connection whose new data would take the total
   * over it is closed and counted as `buffer-limit`; the others keep theirs.
   */
  maxBufferedBytes?: number;
  /**
   * How long a new connection may stay open before it completes its first frame (default 10 s;
   * 0 turns it off). This is the idle timeout, and it deliberately stops at the first frame: Seam
   * and stock Nest clients keep one long-lived connection per endpoint and reuse it after any
   * silence. Nest's wire has no "going away" message, so closing an idle connection that has
   * served calls would race with the next request the client writes on it, and that request would
   * fail as Unavailable. Seam clients connect when they first send, so an honest connection
   * delivers its first frame at once; one that says nothing is a probe or a slowloris.
   */
  firstFrameTimeoutMs?: number;
  /**
   * Rejections (bad frames, timeouts, limits) are logged at most once per this interval, one line
   * each: the first at once, then a count of the rest per interval (default 10 s).
   */
  rejectionLogIntervalMs?: number;
}

/** Default {@link TcpServerLimits}. */
export const DEFAULT_TCP_SERVER_LIMITS: Readonly<Required<TcpServerLimits>> = Object.freeze({
  maxConnections: 1_024,
  maxBufferedBytes: 64 * 1024 * 1024,
  firstFrameTimeoutMs: 10_000,
  rejectionLogIntervalMs: 10_000,
});

/**
 * `limits` with defaults applied; throws, naming the option, on a value that cannot work (limits
 * often come from untyped configuration). Only `firstFrameTimeoutMs` may be 0 (off).
 */
export function resolveTcpServerLimits(limits: TcpServerLimits = {}): Required<TcpServerLimits> {
  const resolved = { ...DEFAULT_TCP_SERVER_LIMITS };
  for (const key of Object.keys(DEFAULT_TCP_SERVER_LIMITS) as (keyof TcpServerLimits)[]) {
    const value = limits[key] ?? DEFAULT_TCP_SERVER_LIMITS[key];
    const lowest = key === 'firstFrameTimeoutMs' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < lowest) {
      throw new Error(`Seam option tcpServer.${key} must be an integer >= ${lowest}, got ${String(value)}`);
    }
    resolved[key] = value;
  }
  return resolved;
}

/** The largest frame a connection accepts, in characters: the payload limit plus the envelope. */
export function maxFrameChars(limits: TcpLimits): number {
  return (limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) + ENVELOPE_ALLOWANCE_BYTES;
}

/**
 * Nest's frame options for these limits. Nest measures frames in decoded characters; a payload of
 * N UTF-8 bytes never has more than N characters, so the byte limit is also a safe character limit.
 */
export function jsonSocketOptions(limits: TcpLimits) {
  return {
    maxBufferSize: maxFrameChars(limits),
    incompleteMessageTimeout: limits.incompleteFrameTimeoutMs ?? DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS,
  };
}
