import type { Server, Socket } from 'node:net';
import { type MessageHandler, ServerTCP, TcpContext, type TcpSocket } from '@nestjs/microservices';
import { CallContext } from '../../context/call-context.js';
import { DEFAULT_BUDGET_MS } from '../../context/call-context.registry.js';
import { shuttingDownError } from '../../errors/shutting-down.js';
import { type DispatchOptions, dispatchEvent, dispatchRequest } from '../server-core/dispatch.js';
import { HandlerTable } from '../server-core/handler-table.js';
import { InFlightRequests } from '../server-core/in-flight-requests.js';
import { type RemoteServerOptions, remoteDispatchOptions, structuredCopy } from '../server-core/server-options.js';
import { DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS } from '../../wire/limits.js';
import { BufferBudget } from './buffer-budget.js';
import { corkUntilNextTick } from './cork.js';
import { GOAWAY_FRAME } from './tcp-goaway.js';
import { DEFAULT_MAX_SEND_BUFFER_BYTES, FrameSocket, type FrameSocketOptions } from './frame-socket.js';
import { maxFrameChars, resolveTcpServerLimits, type TcpLimits, type TcpServerLimits } from './tcp-limits.js';
import { type TcpRejectionCounts, TcpRejections } from './tcp-rejections.js';
import { type SeamTlsOptions, tlsServerOptions, watchHandshakes } from './tcp-tls.js';
import { TcpLinkGate } from './tcp-link-server.js';

/** Options of {@link SeamTcpServer}. */
export interface SeamTcpServerOptions extends RemoteServerOptions, TcpLimits, TcpServerLimits {
  host: string;
  port: number;
  /** Mutual TLS: only clients presenting a certificate the CA signed complete a connection. */
  tls?: SeamTlsOptions;
  /** How long `close()` waits for requests in flight to be answered (default 8,000 ms). */
  drainTimeoutMs?: number;
}

/** What a {@link SeamTcpServer} holds and has refused, read at one moment. */
export interface TcpServerStats {
  /** Connections open now. */
  connections: number;
  /** Data held now in frames not yet handled, across connections (see `maxBufferedBytes`). */
  bufferedBytes: number;
  /** Malformed frames received so far (invalid length, invalid JSON, too large). */
  badFrames: number;
  /** Every connection dropped or refused so far, by reason. */
  rejections: TcpRejectionCounts;
}

/** Below the 10 s a deployable has to exit after SIGTERM, leaving time to close the rest. */
const DEFAULT_DRAIN_TIMEOUT_MS = 8_000;

/**
 * Nest's TCP server with Seam's semantics on top, on the unchanged Nest wire format (a stock Nest
 * `ClientProxy` can call it): typed errors for unknown patterns and expired deadlines, the call
 * context built on arrival, responses size-checked, events delivered once per subscribing module,
 * and the limits of {@link TcpLimits} and {@link TcpServerLimits}: a deadline per frame, a first-frame
 * timeout, a connection limit and a ceiling on data held across connections. A dropped connection
 * is counted ({@link SeamTcpServer.stats}) and logged in one line at most once per interval — Nest
 * logs a stack trace per bad frame, which a peer sending garbage in a loop turns into a log flood.
 */
export class SeamTcpServer extends ServerTCP {
  private readonly table = new HandlerTable();
  private readonly hosted: ReadonlySet<string>;
  private readonly dispatch: DispatchOptions;
  private readonly drainTimeoutMs: number;
  private readonly inFlight = new InFlightRequests();
  /** The open connections, framed: a stopping server tells each to go away. */
  private readonly connections = new Set<TcpSocket>();
  private closing = false;
  /** Between {@link listen} and the outcome of its listen. */
  private starting = false;
  private readonly framing: Omit<FrameSocketOptions, 'onReject'>;
  private readonly rejected: TcpRejections;
  /** With mesh keys: the link handshake of each connection (see {@link TcpLinkGate}). */
  private readonly links?: TcpLinkGate;

  constructor(options: SeamTcpServerOptions) {
    const limits = resolveTcpServerLimits(options);
    super({
      host: options.host,
      port: options.port,
      ...(options.tls && { tlsOptions: tlsServerOptions(options.tls, limits.firstFrameTimeoutMs) }),
    });
    this.hosted = new Set(options.hosted);
    this.dispatch = remoteDispatchOptions(options);
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    if (this.dispatch.auth) this.links = new TcpLinkGate(this.dispatch.auth, this.hosted);
    this.framing = {
      maxFrameChars: maxFrameChars(options),
      frameDeadlineMs: options.incompleteFrameTimeoutMs ?? DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS,
      firstFrameTimeoutMs: limits.firstFrameTimeoutMs,
      maxSendBufferBytes: DEFAULT_MAX_SEND_BUFFER_BYTES,
      budget: new BufferBudget(limits.maxBufferedBytes),
    };
    this.rejected = new TcpRejections(`TCP server ${this.host}:${this.port}`, limits.rejectionLogIntervalMs, (line) =>
      this.logger.warn(line),
    );
    // Node closes a connection over the limit as it accepts it, then reports it here.
    this.server.maxConnections = limits.maxConnections;
    this.server.on('drop', (peer?: { remoteAddress?: string; remotePort?: number }) =>
      this.rejected.record(
        'connection-limit',
        `${peer?.remoteAddress}:${peer?.remotePort}`,
        `${limits.maxConnections} connections open`,
      ),
    );
    // A refused or unfinished handshake (no certificate, another CA, plain TCP, silence) never reaches bindHandler.
    if (options.tls)
      watchHandshakes(this.server, limits.firstFrameTimeoutMs, (peer, reason) =>
        this.rejected.record('tls-handshake', peer, reason),
      );
  }

  /** Connections, data held and rejections so far (e.g. for metrics). */
  get stats(): TcpServerStats {
    return {
      connections: this.openSockets.size,
      bufferedBytes: this.framing.budget.held,
      badFrames: this.rejected.badFrames,
      rejections: this.rejected.counts,
    };
  }

  /** Answers the requests of `direct` with those handlers (see `fastHandlers`): Nest's pipeline, composed once. */
  useDirectHandlers(direct: ReadonlyMap<string, MessageHandler>): void {
    this.table.useDirectHandlers(direct);
  }

  override addHandler(
    pattern: string,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    this.table.register(this.normalizePattern(pattern), callback, isEventHandler, extras);
  }

  /**
   * Starts listening; `callback` gets the error of a listen that fails, whatever it is. Nest's
   * version hands back only EADDRINUSE and ECONNREFUSED: any other (an address not of this machine:
   * EADDRNOTAVAIL; a port below 1024 without the right: EACCES) was logged with a stack and the
   * start never completed, so the process neither served nor said it could not start.
   */
  override listen(callback: (error?: unknown) => void): void {
    try {
      this.table.assertHostedOnly(this.hosted, `TCP server on port ${this.port}`);
    } catch (error) {
      return callback(error);
    }
    const failed = (error: Error) => {
      this.starting = false;
      callback(error);
    };
    this.starting = true;
    this.server.once('error', failed);
    this.server.listen(this.port, this.host, () => {
      this.starting = false;
      this.server.off('error', failed);
      callback();
    });
  }

  /**
   * In place of Nest's listener (which logs a stack): one line, and none while starting — a failed
   * listen is the start's error (see {@link listen}), reported once by whoever started it.
   */
  protected override registerErrorListener(server: Server): void {
    server.on('error', (error) => {
      if (!this.starting) this.logger.error(`TCP server ${this.host}:${this.port}: ${error.message}`);
    });
  }

  /**
   * Nest's version with Seam's framing, and socket errors counted and rate-limit logged instead of
   * logged with a stack each.
   */
  override bindHandler(socket: Socket): void {
    this.trackOpenSocket(socket);
    const peer = peerOf(socket);
    const framed = this.getSocketInstance(socket);
    this.connections.add(framed);
    socket.once('close', () => this.connections.delete(framed));
    framed.on(
      'message',
      (message) => void this.handleMessage(framed, message).catch((error) => this.handleError(error)),
    );
    socket.on('error', (error: Error) => this.rejected.record('socket-error', peer, error.message));
    this.links?.open(framed);
  }

  protected override getSocketInstance(socket: Socket): TcpSocket {
    const peer = peerOf(socket);
    return new FrameSocket(socket, {
      ...this.framing,
      onReject: (reason, detail) => this.rejected.record(reason, peer, detail),
    });
  }

  override async handleMessage(socket: TcpSocket, rawMessage: unknown): Promise<void> {
    if (this.links?.handle(socket, rawMessage)) return;
    const link = this.links?.linkOf(socket);
    // Nest's default deserializer is synchronous: awaiting it anyway would cost a hop per message.
    const decoded = this.deserializer.deserialize(rawMessage);
    const packet = decoded instanceof Promise ? await decoded : decoded;
    const pattern = this.getPatternAsString(packet.pattern);
    const context = new TcpContext([socket, pattern, packet.metadata]);
    const call = CallContext.fromMetadata(packet.metadata, DEFAULT_BUDGET_MS);
    const id = (packet as { id?: string }).id;
    if (id === undefined) {
      const authenticated = dispatchEvent(
        this.table,
        pattern,
        packet.data,
        context,
        call,
        this.hosted,
        this.dispatch,
        structuredCopy,
        link,
      );
      if (this.links && !link)
        void authenticated.then(
          (ok) => ok || this.links!.refusedUnproven(socket),
          () => undefined,
        );
      return;
    }
    const send = (err: unknown, response?: unknown, auth?: string) => {
      const reply =
        err === undefined
          ? { id, response, isDisposed: true, auth }
          : { id, err, status: 'error', isDisposed: true, auth };
      corkUntilNextTick(socket.netSocket as Socket);
      socket.sendMessage(this.serializer.serialize(reply));
      // Authentication comes first, so UNAUTHENTICATED means the peer proved nothing with this envelope.
      if (this.links && !link && (err as { code?: unknown } | undefined)?.code === 'UNAUTHENTICATED')
        this.links.refusedUnproven(socket);
    };
    if (this.closing) {
      // Typed, so that the caller sends it again elsewhere: this process did not run it.
      send(shuttingDownError(`tcp://${this.host}:${this.port}`).toJSON());
      return;
    }
    this.inFlight.begin();
    const done = (err: unknown, response?: unknown, auth?: string) => {
      send(err, response, auth);
      this.inFlight.end();
    };
    dispatchRequest(this.table, pattern, packet.data, context, call, this.dispatch, done, link);
  }

  /**
   * Stops taking work at once, without waiting for anything: no new connections; each open
   * connection is told to go away (`GOAWAY_FRAME`), so that a Seam client connects again for its
   * next calls — through a balancer, to a replica that is not stopping — and ends this connection
   * once answered; a request that arrives on it meanwhile is answered `UnavailableError` (reason
   * `shutting-down`, see `shuttingDownError`), which such a client sends again elsewhere. Requests
   * in flight go on. Called when the process is asked to stop (see `stopTakingWork` of the
   * module), before Nest's asynchronous shutdown reaches {@link close}.
   */
  stopTakingWork(): void {
    if (this.closing) return;
    this.closing = true;
    this.server?.close();
    for (const connection of this.connections) connection.sendMessage(GOAWAY_FRAME);
  }

  /**
   * Stops taking work, then closes: no new connections, new requests on open connections are
   * answered `UnavailableError` (reason `shutting-down`), requests in flight are answered (for up
   * to `drainTimeoutMs`), and only then are the connections closed — Nest's own close destroys
   * them at once, failing every call in flight half-way through its handler.
   */
  override async close(): Promise<void> {
    this.stopTakingWork();
    await this.inFlight.drained(this.drainTimeoutMs);
    // Let the last answers leave (they are corked until the next tick) before the sockets go.
    await new Promise((resolve) => setImmediate(resolve));
    super.close();
    this.rejected.flush();
  }
}

function peerOf(socket: Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}
