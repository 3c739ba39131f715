import type { ReadPacket } from '@nestjs/microservices';
import type { CallMetadata } from '../context/call-metadata.js';
import type { SeamError, WireError } from '../errors/seam-error.js';
import { assertTransmittable } from '../wire/json-copy.js';

/** A request or event as Seam hands it to a transport. */
export interface OutgoingPacket {
  pattern: string;
  data: unknown;
  metadata: CallMetadata;
  /** The module that answers (saves parsing it out of the pattern). */
  module?: string;
  /** When the caller gives up, in `performance.now()` time (meaningful within one process only). */
  deadline?: number;
}

/**
 * The {@link OutgoingPacket} of one attempt of a call, as `SeamClient` makes it. The objects that
 * live as long as a call are instances of classes rather than object literals: V8 follows the
 * survival of literals per allocation site and, misled by the objects of the calls in flight when
 * a collection runs, may allocate every later one straight into the old generation, which made
 * in-process calls up to ~1.7× slower (bench:transport, scratch runs with V8's pretenuring traced
 * and switched off); instances of a class are not tracked that way.
 */
export class OutgoingRequest implements OutgoingPacket {
  deadline = 0;

  constructor(
    public pattern: string,
    public data: unknown,
    public metadata: CallMetadata,
    public module: string,
  ) {}
}

/**
 * Called exactly once per request: with `undefined` and the response, or with the error — a wire
 * error from the callee, or a `SeamError` the transport raised itself (e.g. Unavailable).
 */
export type ReplyCallback = (error: WireError | SeamError | undefined, response?: unknown) => void;

/**
 * The client half of a Seam transport, as `SeamClient` drives it. Bytes and connections live
 * below this interface; deadlines, context and error classes live above it (in `SeamClient`),
 * so every transport gets them identically.
 */
export interface SeamTransportClient {
  /** A name for logs and errors, e.g. `tcp://10.0.0.7:4001`. */
  readonly endpoint: string;
  /** Requests sent and not yet answered, failed or given up (for health checks and metrics). */
  readonly pendingCount: number;
  /**
   * Sends a request. `reply` is called exactly once and never synchronously. The returned
   * teardown drops the pending call (used when its deadline passes).
   */
  request(packet: OutgoingPacket, reply: ReplyCallback): () => void;
  /** Publishes an event; resolves once the transport has taken it (not when it is handled). */
  publishEvent(packet: OutgoingPacket): Promise<void>;
  /** Closes connections; pending calls fail with Unavailable. */
  close(): Promise<void>;
}

/**
 * The metadata to put on the wire for `packet` at `now`. A transport that sends a request later
 * than it was handed over — once connected, authenticated or subscribed — must state the time
 * that is left, not the budget the caller started with: the callee sets its own deadline (and its
 * nested calls' budgets) from this figure, and would otherwise work on after the caller gave up.
 * Returns `packet.metadata` itself when the time left (rounded down) is not below the stated budget.
 */
export function metadataSentAt(packet: OutgoingPacket, now: number): CallMetadata {
  const { deadline, metadata } = packet;
  if (!deadline) return metadata;
  const left = Math.floor(deadline - now);
  if (!(left < Number(metadata['seam-budget-ms']))) return metadata;
  // At least 1 ms: a call whose deadline has passed is given up by its caller before it is sent.
  return { ...metadata, 'seam-budget-ms': String(Math.max(1, left)) };
}

/**
 * Checks that a request can be sent (encodable, within `maxBytes`). When it cannot, replies with
 * the `ValidationError` on the next microtask (replies are never synchronous) and returns the
 * no-op teardown to hand back; otherwise returns `undefined`.
 */
export function refuseUnsendable(
  packet: OutgoingPacket,
  maxBytes: number,
  reply: ReplyCallback,
): (() => void) | undefined {
  try {
    assertTransmittable(packet.data, maxBytes);
    return undefined;
  } catch (error) {
    queueMicrotask(() => reply(error as SeamError));
    return () => undefined;
  }
}

/** The packet a Nest `ClientProxy` hands to `publish`/`dispatchEvent`, as a Seam transport sends it. */
export function outgoingOf(packet: ReadPacket): OutgoingPacket {
  return { pattern: String(packet.pattern), data: packet.data, metadata: (packet.metadata ?? {}) as CallMetadata };
}
