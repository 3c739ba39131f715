/**
 * What travels with every request and event, in every transport, as Nest 12 packet metadata
 * (`packet.metadata`, read on the server with the RPC context's `getMetadata()`). Values are
 * strings, as Nest's `PacketMetadata` requires, so header-based transports can carry them too.
 */
export interface CallMetadata {
  [key: string]: string;
  /** W3C trace context of the call; its trace id is the correlation id. */
  traceparent: string;
  /** The module that made the call (`edge` for the HTTP edge). */
  'seam-caller': string;
  /** Milliseconds left before the caller gives up when the call was sent (an integer). */
  'seam-budget-ms': string;
}

/** Keys of {@link CallMetadata}, for transports that carry metadata as headers. */
export const CALL_METADATA_KEYS = ['traceparent', 'seam-caller', 'seam-budget-ms'] as const;
