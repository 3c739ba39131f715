import {
  DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
  ENVELOPE_ALLOWANCE_BYTES,
} from '../../wire/limits.js';

/** Safe limits of a TCP connection. */
export interface TcpLimits {
  /** Largest payload in UTF-8 JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** How long a peer may leave a frame half-sent before the connection is dropped (default 5 s). */
  incompleteFrameTimeoutMs?: number;
}

/**
 * Nest's frame options for these limits. Nest measures frames in decoded characters; a payload of
 * N UTF-8 bytes never has more than N characters, so the byte limit is also a safe character limit.
 */
export function jsonSocketOptions(limits: TcpLimits) {
  return {
    maxBufferSize: (limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) + ENVELOPE_ALLOWANCE_BYTES,
    incompleteMessageTimeout: limits.incompleteFrameTimeoutMs ?? DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS,
  };
}
