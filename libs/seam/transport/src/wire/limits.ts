/** Default largest payload of a request, response or event: 1 MiB of UTF-8 JSON. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Room for the envelope around a payload on a framed wire (pattern, id, metadata). Frame limits
 * are `maxMessageBytes` plus this, so that a payload right at the limit still fits.
 */
export const ENVELOPE_ALLOWANCE_BYTES = 16 * 1024;

/** Default time a TCP peer may leave a frame half-sent before the connection is dropped. */
export const DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS = 5_000;

/** Default deadline of a call that sets none. */
export const DEFAULT_DEADLINE_MS = 5_000;
