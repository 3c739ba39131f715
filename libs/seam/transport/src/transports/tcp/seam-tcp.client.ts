import type { Socket } from 'node:net';
import type { PacketId, ReadPacket, TcpSocket, WritePacket } from '@nestjs/microservices';
import { ClientTCP } from '@nestjs/microservices';
import { randomHex } from '../../context/random-ids.js';
import { SeamError, UnavailableError, type WireError } from '../../errors/seam-error.js';
import { isShuttingDownRefusal } from '../../errors/shutting-down.js';
import { assertTransmittable } from '../../wire/json-copy.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../wire/limits.js';
import {
  type OutgoingPacket,
  metadataSentAt,
  type ReplyCallback,
  refuseUnsendable,
  type SeamTransportClient,
} from '../transport-client.js';
import { corkUntilNextTick } from './cork.js';
import { structuredCopy } from '../server-core/server-options.js';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { jsonSocketOptions, type TcpLimits } from './tcp-limits.js';
import { type SeamTlsOptions, tlsClientOptions } from './tcp-tls.js';
import { isLinkFrame, TcpLinkClient } from './tcp-link-client.js';
import { isGoAwayFrame } from './tcp-goaway.js';
import { RetiredConnections, type RoutingMap } from './retired-connections.js';

const RESOLVED = Promise.resolve();

/** A reply frame (Nest's). */
type ReplyPacket = WritePacket & { id?: string };

/** Options of {@link SeamTcpClient}. */
export interface SeamTcpClientOptions extends TcpLimits {
  host: string;
  port: number;
  /** Mutual TLS: present this certificate and accept only a server the CA signed for `host`. */
  tls?: SeamTlsOptions;
  /**
   * Mesh keys: each connection is authenticated once by a handshake under the pair keys
   * ({@link TcpLinkClient}); the envelopes sent on it then carry no signature of their own.
   */
  auth?: EnvelopeAuth;
  /**
   * The modules the topology places at this address (required with `auth`): the link proves
   * pairs for these only, so a server cannot get a proof for modules it was not dialled for.
   */
  modules?: readonly string[];
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
  /** Connections whose server is stopping: nothing new is sent on them; they close when it has answered. */
  private readonly retired = new RetiredConnections(this.routingMap as RoutingMap);
  private readonly links?: TcpLinkClient;

  constructor(options: SeamTcpClientOptions) {
    super({
      host: options.host,
      port: options.port,
      ...jsonSocketOptions(options),
      // Frames are taken as they arrive: Nest's deserializer turns a packet with a key it does
      // not know (a link frame) into a foreign payload.
      deserializer: { deserialize: (value: unknown) => value },
      ...(options.tls && { tlsOptions: tlsClientOptions(options.tls, options.host) }),
    });
    this.endpoint = `tcp://${options.host}:${options.port}`;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (options.auth) {
      if (!options.modules?.length)
        throw new Error(`A TCP client with mesh keys needs the modules placed at ${this.endpoint} (options.modules)`);
      this.links = new TcpLinkClient(options.auth, this.endpoint, new Set(options.modules));
    }
  }

  /** Nest's connection, then — with mesh keys — the link handshake, before anything is sent. */
  override connect(): Promise<unknown> {
    const before = this.socket;
    const connected = super.connect();
    const socket = this.socket;
    if (socket !== null && socket !== before)
      socket.on('message', (frame: unknown) => {
        if (isGoAwayFrame(frame)) this.retire(socket);
      });
    const links = this.links;
    if (!links) return connected;
    return connected.then(() => {
      if (!this.socket) throw new Error('connection closed while authenticating');
      return links.ready(this.socket);
    });
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
    if (isLinkFrame(buffer)) {
      this.links?.receive(this.socket, buffer);
      return RESOLVED;
    }
    if (isGoAwayFrame(buffer)) return RESOLVED; // handled by the socket's own listener (see connect)
    const decoded = this.deserializer.deserialize(buffer) as ReplyPacket | Promise<ReplyPacket>;
    if (decoded instanceof Promise) return decoded.then((packet) => this.route(packet));
    this.route(decoded);
    return RESOLVED;
  }

  request(packet: OutgoingPacket, reply: ReplyCallback): () => void {
    const refused = refuseUnsendable(packet, this.maxMessageBytes, reply);
    if (refused) return refused;
    let finished = false;
    let cancelled = false;
    let teardown: (() => void) | undefined;
    let last: unknown;
    const finish: ReplyCallback = (error, response) => {
      if (finished) return;
      finished = true;
      teardown?.(); // drops the routing entry; Nest only does it when an Observable unsubscribes
      reply(error, response);
    };
    let data = packet.data;
    let metadata = packet.metadata;
    let sentOn: TcpSocket | null = null;
    let resent = false;
    const onPacket = ({ err, response, isDisposed }: ReplyPacket) => {
      if (err !== undefined && err !== null) {
        if (resent || cancelled || !isShuttingDownRefusal(err)) return finish(this.toSeamError(err), undefined);
        // Its server is stopping and did not run it: once more, on a new connection. As for the
        // call policy's retries, what is sent is the caller's object as it is now.
        resent = true;
        teardown?.();
        this.retire(sentOn);
        return sendOnceConnected();
      }
      if (response !== undefined) last = response;
      if (isDisposed) finish(undefined, last);
    };
    const send = () => {
      if (cancelled) return;
      // Frames sent while others are pending go out together at the end of the tick.
      if (this.routingMap.size > 0) corkUntilNextTick(this.socket?.netSocket as Socket | undefined);
      sentOn = this.socket;
      teardown = this.publish({ pattern: packet.pattern, data, metadata }, onPacket);
    };
    const sendOnceConnected = () =>
      void this.connect().then(
        () => {
          this.readySocket = this.socket;
          // Connecting and the link handshake took part of the budget: the callee gets the rest.
          metadata = metadataSentAt(packet, performance.now());
          send();
        },
        (error: unknown) => finish(error instanceof SeamError ? error : this.unavailable(error)),
      );
    if (this.socket !== null && this.socket === this.readySocket) {
      send(); // connected: no promise hop on the hot path
    } else {
      // Sent once connected: what the caller passed now, not what it has made of it by then (as
      // in process, and as on a connected socket, which encodes it before this returns).
      data = structuredCopy(data);
      sendOnceConnected();
    }
    return () => {
      cancelled = true;
      teardown?.();
    };
  }

  async publishEvent(event: OutgoingPacket): Promise<void> {
    assertTransmittable(event.data, this.maxMessageBytes);
    let data = event.data;
    if (this.socket === null || this.socket !== this.readySocket) {
      // As for a request: the event as emitted, whatever the emitter changes while this connects.
      data = structuredCopy(data);
      try {
        await this.connect();
        this.readySocket = this.socket;
      } catch (error) {
        throw error instanceof SeamError ? error : this.unavailable(error);
      }
    }
    // Events emitted in one tick leave in one write, as requests do.
    corkUntilNextTick(this.socket?.netSocket as Socket | undefined);
    await this.dispatchEvent({ pattern: event.pattern, data, metadata: event.metadata });
  }

  override async close(): Promise<void> {
    this.retired.endAll();
    super.close();
  }

  /**
   * Nest's handling of the current socket's close (every call waiting fails Unavailable), sparing
   * the calls that retired connections still owe: they fail only if their own connection closes.
   */
  override handleClose(): void {
    this.retired.sparing(() => super.handleClose());
  }

  /**
   * Sends nothing more on `socket`, whose server said it is stopping (a go-away frame, or a
   * `shutting-down` refusal): the next call opens a new connection, while the answers this one
   * owes still arrive on it ({@link RetiredConnections}). A socket still authenticating is left
   * alone: its server refuses what is sent on it, and that refusal retires it.
   */
  private retire(socket: TcpSocket | null): void {
    if (socket === null || socket !== this.socket || socket !== this.readySocket) return;
    this.socket = null;
    this.connectionPromise = null;
    this.readySocket = null;
    this.retired.add(socket);
  }

  private route({ err, response, isDisposed, id }: ReplyPacket): void {
    const callback = id === undefined ? undefined : this.routingMap.get(id);
    if (!callback) return;
    if (isDisposed || err) callback({ err, response, isDisposed: true } as WritePacket);
    else callback({ err, response } as WritePacket);
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
