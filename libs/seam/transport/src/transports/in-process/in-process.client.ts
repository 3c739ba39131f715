import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { CallMetadata } from '../../context/call-metadata.js';
import { UnavailableError, type SeamError } from '../../errors/seam-error.js';
import { copyAsJson } from '../../wire/json-copy.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../wire/limits.js';
import { moduleOfPattern } from '../server-core/handler-table.js';
import type { OutgoingPacket, ReplyCallback, SeamTransportClient } from '../transport-client.js';
import { defaultInProcessBus, type InProcessBus } from './in-process.bus.js';
import type { InProcessPacket } from './in-process.server.js';

/** Options of {@link InProcessClient}. */
export interface InProcessClientOptions {
  /** Default: the process-wide bus. */
  bus?: InProcessBus;
  /** Largest request or event payload, in UTF-8 JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
}

/**
 * The in-process transport's client. It copies each payload as a JSON wire would (the callee can
 * never see the caller's objects, nor the caller the callee's), finds the module's server on the
 * bus and lets it answer asynchronously. It is also a regular Nest `ClientProxy`, so
 * `send()`/`emit()` work for code written against Nest's API.
 */
export class InProcessClient extends ClientProxy implements SeamTransportClient {
  readonly endpoint = 'in-process';
  private readonly counter = { pending: 0 };
  private readonly bus: InProcessBus;
  private readonly maxMessageBytes: number;

  constructor(options: InProcessClientOptions = {}) {
    super();
    this.bus = options.bus ?? defaultInProcessBus;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  request(packet: OutgoingPacket, reply: ReplyCallback): () => void {
    let data: unknown;
    try {
      data = copyAsJson(packet.data, this.maxMessageBytes);
    } catch (error) {
      return failLater(reply, error as SeamError);
    }
    const module = packet.module ?? moduleOfPattern(packet.pattern);
    const server = this.bus.serverOf(module);
    if (!server) {
      return failLater(reply, new UnavailableError(`Module "${module}" does not run in this process`, { module }));
    }
    return server.receiveRequest(
      new InProcessRequest(packet.pattern, data, packet.metadata, packet.deadline),
      reply,
      this.counter,
    );
  }

  get pendingCount(): number {
    return this.counter.pending;
  }

  override async connect(): Promise<void> {}

  override async close(): Promise<void> {}

  override unwrap<T>(): T {
    return this.bus as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    return this.request(packet as OutgoingPacket, (err, response) =>
      err === undefined ? callback({ response, isDisposed: true }) : callback({ err, isDisposed: true }),
    );
  }

  protected async dispatchEvent<T = undefined>(packet: ReadPacket): Promise<T> {
    await this.publishEvent(packet as OutgoingPacket);
    return undefined as T;
  }

  async publishEvent(packet: OutgoingPacket): Promise<void> {
    const data = copyAsJson(packet.data, this.maxMessageBytes);
    for (const server of this.bus.serversList()) {
      server.receiveEvent({ pattern: packet.pattern, data, metadata: (packet.metadata ?? {}) as CallMetadata });
    }
  }
}

/** What the server receives: the caller's packet with its private copy of the payload (a class: see `OutgoingRequest`). */
class InProcessRequest implements InProcessPacket {
  constructor(
    readonly pattern: string,
    readonly data: unknown,
    readonly metadata: CallMetadata,
    readonly deadline: number | undefined,
  ) {}
}

function failLater(reply: ReplyCallback, error: SeamError): () => void {
  queueMicrotask(() => reply(error));
  return () => undefined;
}
