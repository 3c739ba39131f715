import type { Socket } from 'node:net';
import { type MessageHandler, ServerTCP, TcpContext } from '@nestjs/microservices';
import type { JsonSocket } from '@nestjs/microservices/helpers/json-socket.js';
import { CallContext } from '../../context/call-context.js';
import { DEFAULT_BUDGET_MS } from '../../context/call-context.registry.js';
import { UnavailableError } from '../../errors/seam-error.js';
import { type DispatchOptions, dispatchEvent, dispatchRequest } from '../server-core/dispatch.js';
import { HandlerTable } from '../server-core/handler-table.js';
import { type RemoteServerOptions, remoteDispatchOptions, structuredCopy } from '../server-core/server-options.js';
import { corkUntilNextTick } from './cork.js';
import { jsonSocketOptions, type TcpLimits } from './tcp-limits.js';

/** Options of {@link SeamTcpServer}. */
export interface SeamTcpServerOptions extends RemoteServerOptions, TcpLimits {
  host: string;
  port: number;
  /** How long `close()` waits for requests in flight to be answered (default 8,000 ms). */
  drainTimeoutMs?: number;
}

/** Below the 10 s a deployable has to exit after SIGTERM, leaving time to close the rest. */
const DEFAULT_DRAIN_TIMEOUT_MS = 8_000;

/**
 * Nest's TCP server with Seam's semantics on top, on the unchanged Nest wire format (a stock Nest
 * `ClientProxy` can call it): typed errors for unknown patterns and expired deadlines, the call
 * context built on arrival, responses size-checked, events delivered once per subscribing module,
 * frame size and incomplete-frame limits on every connection.
 */
export class SeamTcpServer extends ServerTCP {
  private readonly table = new HandlerTable();
  private readonly hosted: ReadonlySet<string>;
  private readonly dispatch: DispatchOptions;
  private readonly drainTimeoutMs: number;
  private inFlight = 0;
  private closing = false;
  private onDrained?: () => void;

  constructor(options: SeamTcpServerOptions) {
    super({ host: options.host, port: options.port, ...jsonSocketOptions(options) });
    this.hosted = new Set(options.hosted);
    this.dispatch = remoteDispatchOptions(options);
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  }

  override addHandler(
    pattern: string,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    this.table.register(this.normalizePattern(pattern), callback, isEventHandler, extras);
  }

  override listen(callback: (error?: unknown) => void): void {
    try {
      this.table.assertHostedOnly(this.hosted, `TCP server on port ${this.port}`);
    } catch (error) {
      return callback(error);
    }
    super.listen(callback);
  }

  override async handleMessage(socket: JsonSocket, rawMessage: unknown): Promise<void> {
    // Nest's default deserializer is synchronous: awaiting it anyway would cost a hop per message.
    const decoded = this.deserializer.deserialize(rawMessage);
    const packet = decoded instanceof Promise ? await decoded : decoded;
    const pattern = this.getPatternAsString(packet.pattern);
    const context = new TcpContext([socket, pattern, packet.metadata]);
    const call = CallContext.fromMetadata(packet.metadata, DEFAULT_BUDGET_MS);
    const id = (packet as { id?: string }).id;
    if (id === undefined) {
      dispatchEvent(this.table, pattern, packet.data, context, call, this.hosted, this.dispatch, structuredCopy);
      return;
    }
    const send = (err: unknown, response?: unknown) => {
      const reply =
        err === undefined ? { id, response, isDisposed: true } : { id, err, status: 'error', isDisposed: true };
      corkUntilNextTick(socket.netSocket as Socket);
      socket.sendMessage(this.serializer.serialize(reply));
    };
    if (this.closing) {
      // Typed, so that a caller can retry elsewhere: this process takes no new work.
      send(
        new UnavailableError(`tcp://${this.host}:${this.port} is shutting down`, { reason: 'shutting-down' }).toJSON(),
      );
      return;
    }
    this.inFlight += 1;
    dispatchRequest(this.table, pattern, packet.data, context, call, this.dispatch, (err, response) => {
      send(err, response);
      this.inFlight -= 1;
      if (this.inFlight === 0) this.onDrained?.();
    });
  }

  /**
   * Stops taking work, then closes: no new connections, new requests on open connections are
   * answered `UnavailableError` (reason `shutting-down`), requests in flight are answered (for up
   * to `drainTimeoutMs`), and only then are the connections closed — Nest's own close destroys
   * them at once, failing every call in flight half-way through its handler.
   */
  override async close(): Promise<void> {
    this.closing = true;
    this.server?.close();
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.onDrained = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, this.drainTimeoutMs))),
      ]);
      clearTimeout(timer);
    }
    // Let the last answers leave (they are corked until the next tick) before the sockets go.
    await new Promise((resolve) => setImmediate(resolve));
    super.close();
  }
}
