import type { Socket } from 'node:net';
import type { PacketId, ReadPacket, WritePacket } from '@nestjs/microservices';
import { ClientTCP } from '@nestjs/microservices';
import { randomHex } from '../../context/random-ids.js';
import { type SeamError, UnavailableError, type WireError } from '../../errors/seam-error.js';
import { assertTransmittable } from '../../wire/json-copy.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../wire/limits.js';
import {
  type OutgoingPacket,
  type ReplyCallback,
  refuseUnsendable,
  type SeamTransportClient,
} from '../transport-client.js';
import { corkUntilNextTick } from './cork.js';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { signEvent, signRequest, type SignedReplyCallback } from '../../auth/outgoing-auth.js';
import { jsonSocketOptions, type TcpLimits } from './tcp-limits.js';
import { type SeamTlsOptions, tlsClientOptions } from './tcp-tls.js';

const RESOLVED = Promise.resolve();

/** A reply frame: Nest's, plus the callee's signature when envelopes are authenticated. */
type ReplyPacket = WritePacket & { id?: string; auth?: unknown };

/** Options of {@link SeamTcpClient}. */
export interface SeamTcpClientOptions extends TcpLimits {
  host: string;
  port: number;
  /** Mutual TLS: present this certificate and accept only a server the CA signed for `host`. */
  tls?: SeamTlsOptions;
  /** Signs every request and event, and accepts only signed replies (see `EnvelopeAuth`). */
  auth?: EnvelopeAuth;
}

/**
 * Nest's TCP client (same wire format, any stock Nest TCP server can answer) driven the Seam way:
 * payload size checked before sending, a broken or refused connection reported as Unavailable
 * (pending calls fail at once when the peer dies), reconnection on the next call.
 */
export class SeamTcpClient extends ClientTCP implements SeamTransportClient {
  readonly endpoint: string;
  private readonly maxMessageBytes: number;
  /** The socket known to be connected (Nest nulls `socket` when a connection closes). */
  private readySocket: unknown = null;
  private readonly auth?: EnvelopeAuth;

  constructor(options: SeamTcpClientOptions) {
    super({
      host: options.host,
      port: options.port,
      ...jsonSocketOptions(options),
      // Replies are taken as they arrive: Nest's deserializer turns a packet with a key it does
      // not know (a signed reply's `auth`) into a foreign payload.
      deserializer: { deserialize: (value: unknown) => value },
      ...(options.tls && { tlsOptions: tlsClientOptions(options.tls, options.host) }),
    });
    this.endpoint = `tcp://${options.host}:${options.port}`;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.auth = options.auth;
  }

  /**
   * The id a reply is routed by: 128 CSPRNG bits. Nest's own (`uid(21)`) is cut from a sliding
   * window over `Math.random` output, so consecutive ids share 20 of their 21 characters.
   */
  protected override assignPacketId(packet: ReadPacket): ReadPacket & PacketId {
    return Object.assign(packet, { id: randomHex(16) });
  }

  get pendingCount(): number {
    return this.routingMap.size;
  }

  /**
   * Routes a response frame to its call. Nest's version always awaits the deserializer, one
   * promise hop per response; the default deserializer is synchronous, so only a custom
   * asynchronous one is awaited here.
   */
  override handleResponse(buffer: unknown): Promise<void> {
    const decoded = this.deserializer.deserialize(buffer) as ReplyPacket | Promise<ReplyPacket>;
    if (decoded instanceof Promise) return decoded.then((packet) => this.route(packet));
    this.route(decoded);
    return RESOLVED;
  }

  request(outgoing: OutgoingPacket, unsignedReply: ReplyCallback): () => void {
    const refused = refuseUnsendable(outgoing, this.maxMessageBytes, unsignedReply);
    if (refused) return refused;
    const signed = signRequest(this.auth, outgoing, unsignedReply);
    if (!signed) return () => undefined;
    const { packet, reply } = signed;
    let finished = false;
    let cancelled = false;
    let teardown: (() => void) | undefined;
    let last: unknown;
    const finish: SignedReplyCallback = (error, response, auth) => {
      if (finished) return;
      finished = true;
      teardown?.(); // drops the routing entry; Nest only does it when an Observable unsubscribes
      reply(error, response, auth);
    };
    const onPacket = ({ err, response, isDisposed, auth }: ReplyPacket) => {
      if (err !== undefined && err !== null) return finish(this.toSeamError(err), undefined, auth);
      if (response !== undefined) last = response;
      if (isDisposed) finish(undefined, last, auth);
    };
    const send = () => {
      if (cancelled) return;
      // Frames sent while others are pending go out together at the end of the tick.
      if (this.routingMap.size > 0) corkUntilNextTick(this.socket?.netSocket as Socket | undefined);
      teardown = this.publish({ pattern: packet.pattern, data: packet.data, metadata: packet.metadata }, onPacket);
    };
    if (this.socket !== null && this.socket === this.readySocket) {
      send(); // connected: no promise hop on the hot path
    } else {
      this.connect().then(
        () => {
          this.readySocket = this.socket;
          send();
        },
        (error: unknown) => finish(this.unavailable(error)),
      );
    }
    return () => {
      cancelled = true;
      teardown?.();
    };
  }

  async publishEvent(event: OutgoingPacket): Promise<void> {
    assertTransmittable(event.data, this.maxMessageBytes);
    const packet = signEvent(this.auth, event);
    try {
      await this.connect();
    } catch (error) {
      throw this.unavailable(error);
    }
    // Events emitted in one tick leave in one write, as requests do.
    corkUntilNextTick(this.socket?.netSocket as Socket | undefined);
    await this.dispatchEvent({ pattern: packet.pattern, data: packet.data, metadata: packet.metadata });
  }

  override async close(): Promise<void> {
    super.close();
  }

  private route({ err, response, isDisposed, id, auth }: ReplyPacket): void {
    const callback = id === undefined ? undefined : this.routingMap.get(id);
    if (!callback) return;
    if (isDisposed || err) callback({ err, response, isDisposed: true, auth } as WritePacket);
    else callback({ err, response, auth } as WritePacket);
  }

  /** Connection failures become Unavailable; anything the peer sent is decoded by the caller. */
  private toSeamError(err: unknown): WireError | SeamError {
    return err instanceof Error ? this.unavailable(err) : (err as WireError);
  }

  private unavailable(error: unknown): UnavailableError {
    const reason = error instanceof Error ? error.message : String(error);
    return new UnavailableError(`${this.endpoint} is unavailable: ${reason}`, { endpoint: this.endpoint });
  }
}
