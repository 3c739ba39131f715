import type { WireError } from '../../errors/seam-error.js';

/** A request as stored in a module's request stream (field `p`, JSON). */
export interface StreamRequest {
  id: string;
  pattern: string;
  data: unknown;
  metadata: Record<string, string>;
  replyTo: string;
}

/** An event as stored in its pattern's stream (field `p`, JSON). */
export interface StreamEvent {
  pattern: string;
  data: unknown;
  metadata: Record<string, string>;
}

/** A reply as published on the caller's reply channel. */
export interface StreamReply {
  id: string;
  response?: unknown;
  err?: WireError;
  /** The callee's signature of this reply (when envelopes are authenticated). */
  auth?: string;
}

/** The stream entry field holding one packet (JSON object). */
export const PACKET_FIELD = 'p';

/** The stream entry field holding several requests of one caller, sent in the same tick (JSON array). */
export const BATCH_FIELD = 'b';

/**
 * Most requests one entry may carry. An entry goes to one replica, so smaller batches spread
 * a burst over replicas (a client also splits a tick's requests over the replicas it knows);
 * larger ones save Redis work.
 */
export const MAX_REQUESTS_PER_ENTRY = 16;

/** Streams are capped (approximately) so an absent consumer cannot make Redis run out of memory. */
export const MAX_REQUEST_STREAM_LENGTH = 1_000_000;
export const MAX_EVENT_STREAM_LENGTH = 100_000;

/**
 * Parses an entry's fields (`[name, value, …]`) into its packets: one (`p`) or a batch (`b`).
 * Malformed packets are left out; an empty list means the entry was malformed as a whole, or
 * longer than `maxLength` characters per packet it may hold (it is then not even parsed).
 */
export function readPackets(fields: string[], maxLength = Number.POSITIVE_INFINITY): Array<Record<string, unknown>> {
  const name = fields[0];
  const raw = fields[1];
  if ((name !== PACKET_FIELD && name !== BATCH_FIELD) || typeof raw !== 'string') return [];
  if (raw.length > (name === BATCH_FIELD ? maxLength * MAX_REQUESTS_PER_ENTRY : maxLength)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  const packets = name === BATCH_FIELD && Array.isArray(parsed) ? parsed.slice(0, MAX_REQUESTS_PER_ENTRY) : [parsed];
  return packets.filter(
    (packet): packet is Record<string, unknown> =>
      typeof packet === 'object' && packet !== null && !Array.isArray(packet),
  );
}

/**
 * The replies one reply-channel message carries (one reply, or an array of them sent in the same
 * tick), keeping only those with a string id; a message that is not JSON carries none.
 */
export function readReplies(message: string): Array<Partial<StreamReply> & { id: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return [];
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).filter(
    (reply): reply is Partial<StreamReply> & { id: string } =>
      typeof reply === 'object' && reply !== null && typeof (reply as { id?: unknown }).id === 'string',
  );
}

/** Metadata from an untrusted packet: a flat object of strings, or nothing. */
export function readMetadata(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') metadata[key] = entry;
  return metadata;
}
