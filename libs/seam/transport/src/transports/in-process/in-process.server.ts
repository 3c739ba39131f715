import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { CallContext } from '../../context/call-context.js';
import { DEFAULT_BUDGET_MS } from '../../context/call-context.registry.js';
import type { CallMetadata } from '../../context/call-metadata.js';
import { copyAsJson } from '../../wire/json-copy.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../wire/limits.js';
import { type DispatchOptions, dispatchEvent, prepareRequest, type Reply } from '../server-core/dispatch.js';
import type { RequestExchange } from '../server-core/request-exchange.js';
import { HandlerTable } from '../server-core/handler-table.js';
import { sendableError } from '../server-core/server-options.js';
import { defaultInProcessBus, type InProcessBus } from './in-process.bus.js';
import { InProcessContext } from './in-process.context.js';

/** Options of {@link InProcessServer}. */
export interface InProcessServerOptions {
  /** The modules whose handlers run in this process. */
  hosted: string[];
  /**
   * The hosted modules that receive events emitted in this process through this server
   * (default: all hosted). Leave out modules whose events arrive through a broker they consume
   * from, or they would receive each event twice.
   */
  eventIntake?: string[];
  /** Default: the process-wide bus. */
  bus?: InProcessBus;
  /** Largest response, in UTF-8 JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** Carry the call context to nested calls implicitly (AsyncLocalStorage; default true). */
  propagation?: boolean;
}

/** A packet as the in-process client hands it over: `data` is already the caller's copy. */
export interface InProcessPacket {
  pattern: string;
  data: unknown;
  metadata: CallMetadata;
  /** The caller's deadline (`performance.now()` time): same process, same clock. */
  deadline?: number;
}

/** Counts the requests a client has in flight. */
export interface PendingCounter {
  pending: number;
}

/** One request answered in process; its methods are the callbacks the call path needs. */
class InProcessExchange {
  private exchange?: RequestExchange;
  private open = true;

  constructor(
    private readonly server: InProcessServer,
    private readonly packet: InProcessPacket,
    private readonly replyTo: Reply,
    private readonly counter: PendingCounter | undefined,
  ) {
    if (counter) counter.pending++;
  }

  readonly run = (): void => {
    if (this.open) this.exchange = this.server.prepare(this.packet, this.reply);
    this.exchange?.run();
  };

  readonly cancel = (): void => {
    if (!this.close()) return;
    this.exchange?.cancel();
  };

  private readonly reply: Reply = (error, response) => {
    if (this.close()) this.replyTo(error, response);
  };

  private close(): boolean {
    if (!this.open) return false;
    this.open = false;
    if (this.counter) this.counter.pending--;
    return true;
  }
}

/**
 * The in-process transport's server: a Nest custom transport strategy that answers calls from
 * in-process clients with the same semantics as TCP or Redis — payloads arrive as private JSON
 * copies, responses leave as copies, errors take their wire form, handlers run asynchronously
 * through Nest's pipeline (guards, pipes, interceptors, filters), or directly when a handler has
 * nothing of it but Seam's door (see `fastHandlers`). One process may host any
 * number of modules, each registered once on the bus.
 */
export class InProcessServer extends Server implements CustomTransportStrategy {
  override readonly transportId = Symbol.for('seam.in-process');
  private readonly table = new HandlerTable();
  private readonly hosted: ReadonlySet<string>;
  private readonly intake: ReadonlySet<string>;
  private readonly bus: InProcessBus;
  private readonly maxMessageBytes: number;
  private readonly dispatch: DispatchOptions;

  constructor(options: InProcessServerOptions) {
    super();
    this.hosted = new Set(options.hosted);
    this.intake = new Set(options.eventIntake ?? options.hosted);
    this.bus = options.bus ?? defaultInProcessBus;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.dispatch = {
      defaultBudgetMs: DEFAULT_BUDGET_MS,
      propagation: options.propagation ?? true,
      prepareResponse: (value) => copyAsJson(value, this.maxMessageBytes),
      prepareError: sendableError(this.maxMessageBytes, true),
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

  listen(callback: (error?: unknown) => void): void {
    try {
      this.table.assertHostedOnly(this.hosted, 'In-process server');
      this.bus.register(this, this.hosted);
      this._status$.next('connected' as never);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  close(): void {
    this.bus.unregister(this);
    this._status$.next('disconnected' as never);
  }

  on(): never {
    throw new Error('The in-process transport emits no events');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  /** Answers a request from an in-process client; `reply` runs once, never synchronously. */
  receiveRequest(packet: InProcessPacket, reply: Reply, counter?: PendingCounter): () => void {
    const exchange = new InProcessExchange(this, packet, reply, counter);
    queueMicrotask(exchange.run);
    return exchange.cancel;
  }

  /** @internal The exchange answering `packet`, or `undefined` after replying at once. */
  prepare(packet: InProcessPacket, reply: Reply): RequestExchange | undefined {
    const context = new InProcessContext(packet.pattern, packet.metadata);
    const call =
      packet.deadline === undefined
        ? CallContext.fromMetadata(packet.metadata, DEFAULT_BUDGET_MS)
        : CallContext.withDeadline(packet.metadata, packet.deadline);
    return prepareRequest(this.table, packet.pattern, packet.data, context, call, this.dispatch, reply);
  }

  /** Delivers an event emitted in this process to the intake modules that subscribe to it. */
  receiveEvent(packet: InProcessPacket): void {
    if (this.table.subscriptions(packet.pattern).length === 0) return;
    queueMicrotask(() => {
      const context = new InProcessContext(packet.pattern, packet.metadata);
      const call = CallContext.fromMetadata(packet.metadata, DEFAULT_BUDGET_MS);
      dispatchEvent(this.table, packet.pattern, packet.data, context, call, this.intake, this.dispatch, (payload) =>
        copyAsJson(payload, Infinity),
      );
    });
  }
}
