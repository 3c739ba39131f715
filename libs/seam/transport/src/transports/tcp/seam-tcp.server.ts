import type { Socket } from 'node:net';
import { type MessageHandler, ServerTCP, TcpContext } from '@nestjs/microservices';
import type { JsonSocket } from '@nestjs/microservices/helpers/json-socket.js';
import { CallContext } from '../../context/call-context.js';
import { DEFAULT_BUDGET_MS } from '../../context/call-context.registry.js';
import { type DispatchOptions, dispatchEvent, dispatchRequest } from '../server-core/dispatch.js';
import { HandlerTable } from '../server-core/handler-table.js';
import { type RemoteServerOptions, remoteDispatchOptions, structuredCopy } from '../server-core/server-options.js';
import { corkUntilNextTick } from './cork.js';
import { jsonSocketOptions, type TcpLimits } from './tcp-limits.js';

/** Options of {@link SeamTcpServer}. */
export interface SeamTcpServerOptions extends RemoteServerOptions, TcpLimits {
  host: string;
  port: number;
}

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

  constructor(options: SeamTcpServerOptions) {
    super({ host: options.host, port: options.port, ...jsonSocketOptions(options) });
    this.hosted = new Set(options.hosted);
    this.dispatch = remoteDispatchOptions(options);
  }

  override addHandler(pattern: string, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
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
    dispatchRequest(this.table, pattern, packet.data, context, call, this.dispatch, (err, response) => {
      const reply = err === undefined ? { id, response, isDisposed: true } : { id, err, status: 'error', isDisposed: true };
      corkUntilNextTick(socket.netSocket as Socket);
      socket.sendMessage(this.serializer.serialize(reply));
    });
  }
}
