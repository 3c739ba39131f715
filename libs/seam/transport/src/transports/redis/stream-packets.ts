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
}

/** The stream entry field holding the packet. */
export const PACKET_FIELD = 'p';

/** Streams are capped (approximately) so an absent consumer cannot make Redis run out of memory. */
export const MAX_REQUEST_STREAM_LENGTH = 1_000_000;
export const MAX_EVENT_STREAM_LENGTH = 100_000;

/** Parses an entry's fields (`[name, value, …]`) into a packet, or `undefined` if malformed. */
export function readPacket(fields: string[]): Record<string, unknown> | undefined {
  const index = fields.indexOf(PACKET_FIELD);
  const raw = index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
  if (typeof raw !== 'string') return undefined;
  try {
    const packet: unknown = JSON.parse(raw);
    return typeof packet === 'object' && packet !== null && !Array.isArray(packet) ? (packet as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Metadata from an untrusted packet: a flat object of strings, or nothing. */
export function readMetadata(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') metadata[key] = entry;
  return metadata;
}
