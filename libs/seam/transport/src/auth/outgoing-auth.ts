import type { CallMetadata } from '../context/call-metadata.js';
import { type SeamError, UnauthenticatedError, type WireError } from '../errors/seam-error.js';
import type { OutgoingPacket, ReplyCallback } from '../transports/transport-client.js';
import { AUTH_METADATA_KEY, type EnvelopeAuth, REPLY_AUTH_METADATA_KEY } from './envelope-auth.js';

/** A reply callback that also takes the reply's signature (the `auth` field of the reply packet). */
export type SignedReplyCallback = (
  error: WireError | SeamError | undefined,
  response?: unknown,
  auth?: unknown,
) => void;

/**
 * Signs a request for the module that answers it and wraps `reply` so that the answer is
 * accepted only with the callee's signature (see `EnvelopeAuth.verifyReply`); errors the
 * transport raised itself (connection lost, deadline) are `SeamError` instances and pass as they
 * are. Without `auth` (in process, or a process explicitly run without keys) the packet goes
 * unsigned and replies are taken as they come.
 *
 * Returns `undefined` after replying (on the next microtask) when the request cannot be signed:
 * this process holds no key for the pair.
 */
export function signRequest(
  auth: EnvelopeAuth | undefined,
  packet: OutgoingPacket,
  reply: ReplyCallback,
): { packet: OutgoingPacket; reply: SignedReplyCallback } | undefined {
  if (!auth) return { packet, reply };
  const caller = packet.metadata['seam-caller'];
  const module = packet.module ?? packet.pattern.slice(0, packet.pattern.indexOf('.'));
  let signed: ReturnType<EnvelopeAuth['sign']>;
  const metadata: CallMetadata = { ...packet.metadata, [REPLY_AUTH_METADATA_KEY]: 'v1' };
  try {
    signed = auth.sign(caller, [module], { pattern: packet.pattern, data: packet.data, metadata });
  } catch (error) {
    queueMicrotask(() => reply(error as SeamError));
    return undefined;
  }
  metadata[AUTH_METADATA_KEY] = signed.header;
  const request = signed.request;
  return {
    packet: { ...packet, metadata },
    reply: (error, response, signature) => {
      if (error instanceof Error || auth.verifyReply(request, signature, error, response))
        return reply(error, response);
      reply(
        new UnauthenticatedError(`The reply to "${packet.pattern}" is not signed by "${module}"`, {
          reason: 'bad-reply-signature',
        }),
      );
    },
  };
}

/**
 * Signs an event for every module its publisher shares a key with (subscribers check the
 * signature made for them). Without `auth`, returns the packet unchanged.
 *
 * @throws UnauthenticatedError when the publisher holds no key at all.
 */
export function signEvent(auth: EnvelopeAuth | undefined, packet: OutgoingPacket): OutgoingPacket {
  if (!auth) return packet;
  const caller = packet.metadata['seam-caller'];
  const metadata: CallMetadata = { ...packet.metadata };
  metadata[AUTH_METADATA_KEY] = auth.sign(caller, auth.keys.peersOf(caller), {
    pattern: packet.pattern,
    data: packet.data,
    metadata,
  }).header;
  return { ...packet, metadata };
}
