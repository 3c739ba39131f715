import type { LoggerService } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AuthenticatedLink } from '../../auth/link-auth.js';
import { CallContext } from '../../context/call-context.js';
import { DEFAULT_BUDGET_MS } from '../../context/call-context.registry.js';
import { DeadlineExceededError } from '../../errors/seam-error.js';
import { type DispatchOptions, dispatchEvent, dispatchRequest, type Reply } from '../server-core/dispatch.js';
import type { HandlerTable } from '../server-core/handler-table.js';
import type { RedisClock } from './redis-clock.js';
import { redisKeys } from './redis-keys.js';
import { RedisStreamsContext } from './redis-streams.context.js';
import type { RequestStreams } from './request-streams.js';
import { readMetadata, readPackets, type StreamReply } from './stream-packets.js';
import { TickBatcher } from './tick-batcher.js';
import { InFlightRequests } from '../server-core/in-flight-requests.js';

/** What a {@link StreamEntries} works with. */
export interface StreamEntriesOptions {
  table: HandlerTable;
  dispatch: DispatchOptions;
  requestStreams: RequestStreams;
  clock: RedisClock;
  /** The server's connection for commands: replies are published, entries acknowledged on it. */
  commands: Redis;
  /** Longest entry taken (longer ones were not written by a Seam client). */
  maxEntryLength: number;
  /** Messages handled at once before the server stops reading. */
  maxInFlight: number;
  logger: Pick<LoggerService, 'warn'>;
}

/**
 * The Redis streams server's handling of the entries it read: each request is answered on its
 * caller's reply channel and each event delivered to the module that read it, and the entry is
 * acknowledged (a request entry deleted too) once all its messages are done. Replies and
 * acknowledgements made in one tick leave together. Counts the messages in flight, so that the
 * server stops reading at `maxInFlight` and can finish what it took before it goes.
 */
export class StreamEntries {
  private readonly inFlight = new InFlightRequests();
  private readonly belowLimitWaiters: Array<() => void> = [];
  private readonly replies = new TickBatcher<StreamReply>(
    (channel, replies) => this.publishReplies(channel, replies),
    256,
  );
  private readonly acks = new TickBatcher<{ module: string; entryId: string }>(
    (stream, entries) => this.acknowledge(stream, entries),
    256,
  );

  constructor(private readonly options: StreamEntriesOptions) {}

  /** Whether `maxInFlight` messages are being handled: read nothing more until {@link belowLimit}. */
  get saturated(): boolean {
    return this.inFlight.size >= this.options.maxInFlight;
  }

  /** Resolves once fewer than `maxInFlight` messages are in flight (or {@link stopWaiting}). */
  belowLimit(): Promise<void> {
    return new Promise((resolve) => this.belowLimitWaiters.push(resolve));
  }

  /** Releases whoever waits in {@link belowLimit} (the server is closing). */
  stopWaiting(): void {
    this.belowLimitWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** Resolves once nothing is in flight, or after `graceMs`. */
  drained(graceMs: number): Promise<void> {
    return this.inFlight.drained(graceMs);
  }

  /** Handles one entry `module` read from `stream`. */
  handle(module: string, stream: string, entryId: string, fields: string[]): void {
    const packets = readPackets(fields, this.options.maxEntryLength);
    if (packets.length === 0) {
      this.options.logger.warn(`Dropped malformed entry ${entryId} of ${stream}`);
      this.acks.add(stream, { module, entryId });
      return;
    }
    const request = this.options.requestStreams.get(stream);
    let open = packets.length;
    this.inFlight.begin(open);
    const done = () => {
      this.inFlight.end();
      if (--open === 0) this.acks.add(stream, { module, entryId });
      if (this.inFlight.size < this.options.maxInFlight)
        this.belowLimitWaiters.splice(0).forEach((resolve) => resolve());
    };
    for (const packet of packets) {
      if (request) this.answerRequest(stream, entryId, packet, done, request.vouched);
      else this.deliverEvent(module, stream, entryId, packet, done);
    }
  }

  private answerRequest(
    stream: string,
    entryId: string,
    packet: Record<string, unknown>,
    done: () => void,
    vouched: AuthenticatedLink | undefined,
  ): void {
    const { id, pattern, replyTo } = packet;
    if (
      typeof id !== 'string' ||
      typeof pattern !== 'string' ||
      typeof replyTo !== 'string' ||
      !replyTo.startsWith(redisKeys.replies(''))
    ) {
      this.options.logger.warn(`Dropped a malformed request in entry ${entryId} of ${stream}`);
      return done();
    }
    const metadata = readMetadata(packet.metadata);
    const context = new RedisStreamsContext([pattern, metadata, stream, entryId]);
    const call = CallContext.fromMetadata(metadata, DEFAULT_BUDGET_MS);
    // Read after its caller's budget ran out while it waited in the stream (this replica was
    // stalled or busy): its caller has given up, and must not have it run behind its back.
    if (this.options.clock.ageOf(entryId) >= call.remainingMs()) {
      const late = new DeadlineExceededError(`Deadline passed before "${pattern}" was read`, { pattern });
      this.replies.add(replyTo, { id, err: late.toJSON() });
      return done();
    }
    const reply: Reply = (err, response, auth) => {
      this.replies.add(replyTo, err === undefined ? { id, response, auth } : { id, err, auth });
      done();
    };
    const { table, dispatch } = this.options;
    dispatchRequest(table, pattern, packet.data, context, call, dispatch, reply, vouched);
  }

  private deliverEvent(
    module: string,
    stream: string,
    entryId: string,
    packet: Record<string, unknown>,
    done: () => void,
  ): void {
    const pattern = stream.slice(redisKeys.events('').length);
    const metadata = readMetadata(packet.metadata);
    const context = new RedisStreamsContext([pattern, metadata, stream, entryId]);
    const call = CallContext.fromMetadata(metadata, DEFAULT_BUDGET_MS);
    const { table, dispatch, requestStreams } = this.options;
    void dispatchEvent(
      table,
      pattern,
      packet.data,
      context,
      call,
      new Set([module]),
      dispatch,
      (data) => data,
      requestStreams.eventLink(module, pattern),
    ).finally(done);
  }

  /** Publishes the replies for one caller gathered during a tick: one message per caller. */
  private publishReplies(channel: string, replies: StreamReply[]): void {
    const message = JSON.stringify(replies.length === 1 ? replies[0] : replies);
    this.options.commands.publish(channel, message).catch(() => undefined);
  }

  /** Acknowledges entries of a stream gathered during a tick; request entries are deleted too. */
  private acknowledge(stream: string, entries: Array<{ module: string; entryId: string }>): void {
    const ids = entries.map((entry) => entry.entryId);
    const { commands, requestStreams } = this.options;
    commands.xack(stream, entries[0]!.module, ...ids).catch(() => undefined);
    if (requestStreams.get(stream)) commands.xdel(stream, ...ids).catch(() => undefined);
  }
}
