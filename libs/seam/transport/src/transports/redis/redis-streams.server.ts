import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { Redis } from 'ioredis';
import { CallContext } from '../../context/call-context.js';
import { DEFAULT_BUDGET_MS } from '../../context/call-context.registry.js';
import { randomHex } from '../../context/random-ids.js';
import { type DispatchOptions, dispatchEvent, dispatchRequest, type Reply } from '../server-core/dispatch.js';
import { HandlerTable } from '../server-core/handler-table.js';
import { remoteDispatchOptions } from '../server-core/server-options.js';
import type { RedisStreamsServerOptions } from './redis-streams.options.js';
import { HeartbeatPublisher } from './heartbeat.js';
import { createRedisConnection, describeRedisUrl, whenReady } from './redis-connection.js';
import { redisKeys } from './redis-keys.js';
import { RedisStreamsContext } from './redis-streams.context.js';
import { DEFAULT_MAX_MESSAGE_BYTES, ENVELOPE_ALLOWANCE_BYTES } from '../../wire/limits.js';
import { readMetadata, readPackets, type StreamReply } from './stream-packets.js';
import { TickBatcher } from './tick-batcher.js';
import type { AuthenticatedLink } from '../../auth/link-auth.js';
import { RequestStreams } from './request-streams.js';
import { createGroup } from './stream-group.js';
import { RedisClock } from './redis-clock.js';
import { DeadlineExceededError } from '../../errors/seam-error.js';
import { assertAclVouches } from './acl-identity-check.js';

export type { RedisStreamsServerOptions } from './redis-streams.options.js';

/**
 * Seam's load-balanced Redis transport, server side. Each hosted module reads its request stream
 * and the streams of the events it subscribes to through a consumer group named after the module:
 * replicas of a module compete, so each request is handled by exactly one replica and each event
 * once per subscribing module. Requests are acknowledged and deleted once answered; the replica
 * announces itself by heartbeat so callers can fail its calls at once if it dies.
 */
export class RedisStreamsServer extends Server implements CustomTransportStrategy {
  override readonly transportId = Symbol.for('seam.redis-streams');
  /** This replica's consumer name in every group. */
  readonly replica = `${hostname()}-${process.pid}-${randomHex(3)}`;
  private readonly table = new HandlerTable();
  private readonly hosted: readonly string[];
  private readonly dispatch: DispatchOptions;
  private readonly batchSize: number;
  private readonly maxEntryLength: number;
  private readonly maxInFlight: number;
  private commands?: Redis;
  private presence?: Redis;
  private readonly readers: Redis[] = [];
  private heartbeat?: HeartbeatPublisher;
  private closing = false;
  private inFlight = 0;
  private readonly replies = new TickBatcher<StreamReply>(
    (channel, replies) => this.publishReplies(channel, replies),
    256,
  );
  private readonly acks = new TickBatcher<{ module: string; entryId: string }>(
    (stream, entries) => this.acknowledge(stream, entries),
    256,
  );
  private readonly aclIdentities: boolean;
  private requestStreams = new RequestStreams([], undefined);
  private readonly belowLimit: Array<() => void> = [];
  private readonly drained: Array<() => void> = [];
  private readonly clock = new RedisClock();

  constructor(private readonly options: RedisStreamsServerOptions) {
    super();
    this.hosted = [...options.hosted];
    this.dispatch = remoteDispatchOptions(options);
    this.batchSize = options.batchSize ?? 16;
    // Clients refuse larger payloads before sending; anything larger was written by someone else.
    this.maxEntryLength = (options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) + ENVELOPE_ALLOWANCE_BYTES;
    this.maxInFlight = options.maxInFlight ?? 1_000;
    this.aclIdentities = options.security?.aclIdentities === true;
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

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.table.assertHostedOnly(new Set(this.hosted), `Redis streams server (${describeRedisUrl(this.options.url)})`);
      this.commands = await createRedisConnection(this.options, `seam:${this.replica}:commands`, {
        enableAutoPipelining: true,
        // Replies leave at the end of the tick they were made in (the TickBatcher gathers them),
        // not one event-loop turn later: on a sequential caller's path that turn is latency.
        autoPipeliningIgnoredCommands: ['publish'],
      });
      await whenReady(this.commands);
      // Measured again after each reconnection: the Redis that answers may be another machine.
      const commands = this.commands;
      await this.clock.sync(commands);
      commands.on('ready', () => void this.clock.sync(commands));
      // Mesh keys name the callers whose streams to read (and heartbeats stay signed).
      if (this.aclIdentities) await assertAclVouches(this.commands, this.options, this.dispatch.auth);
      this.requestStreams = new RequestStreams(this.hosted, this.aclIdentities ? this.dispatch.auth : undefined);
      // Announced before reading, so that no call is taken by a replica no client has heard of.
      this.presence = await createRedisConnection(this.options, `seam:${this.replica}:presence`);
      await whenReady(this.presence);
      this.heartbeat = new HeartbeatPublisher(
        this.commands,
        this.presence,
        this.replica,
        this.hosted,
        this.dispatch.auth,
      );
      await this.heartbeat.start();
      for (const module of this.hosted) {
        await this.ensureGroups(module);
        const reader = await createRedisConnection(this.options, `seam:${this.replica}:${module}`);
        await whenReady(reader);
        this.readers.push(reader);
        void this.readLoop(module, reader);
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * Stops reading, finishes what is in flight (up to `graceMs`) and only then announces that the
   * replica is gone, so callers get the answers of the calls it had taken.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    for (const reader of this.readers) reader.disconnect();
    this.belowLimit.splice(0).forEach((resolve) => resolve());
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.drained.push(resolve)),
        delay(graceMs, undefined, { ref: false }),
      ]);
    }
    await this.heartbeat?.stop();
    this.presence?.disconnect();
    await this.commands?.quit().catch(() => this.commands?.disconnect()); // quit flushes queued replies
  }

  on(): never {
    throw new Error('RedisStreamsServer emits no events');
  }

  unwrap<T>(): T {
    return this.commands as T;
  }

  private streamsOf(module: string): string[] {
    const patterns = this.table.subscriptionsByModule().get(module) ?? [];
    return [...this.requestStreams.of(module), ...patterns.map(redisKeys.events)];
  }

  /**
   * Creates the module's missing groups. A request stream's group starts at its first entry: an
   * entry leaves the stream once answered (`acknowledge`) or given up by its caller, so what is
   * left is still waited for — after a Redis restart, the calls of callers that reconnected before
   * this replica recreated the group. An event stream's group starts at the end when the module
   * first subscribes (no history), but at the first entry when recreated after a restart
   * (`recreated`): what the stream holds then was published since.
   */
  private async ensureGroups(module: string, recreated = false): Promise<void> {
    for (const stream of this.streamsOf(module))
      await createGroup(this.commands!, stream, module, recreated || this.requestStreams.get(stream) ? '0' : '$');
  }

  private async readLoop(module: string, reader: Redis): Promise<void> {
    const streams = this.streamsOf(module);
    const cursors = streams.map(() => '>');
    while (!this.closing) {
      // Let the replies of the entries just read leave first (they go out at the end of this
      // tick): the next blocking read can wait for them, a waiting caller cannot.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.inFlight >= this.maxInFlight) {
        await new Promise<void>((resolve) => this.belowLimit.push(resolve));
        continue;
      }
      let batch: Array<[string, Array<[string, string[]]>]> | null;
      try {
        batch = (await reader.xreadgroup(
          'GROUP',
          module,
          this.replica,
          'COUNT',
          this.batchSize,
          'BLOCK',
          1_000,
          'STREAMS',
          ...streams,
          ...cursors,
        )) as typeof batch;
      } catch (error) {
        if (this.closing) return;
        await this.recover(module, reader, error as Error);
        continue;
      }
      for (const [stream, entries] of batch ?? []) {
        for (const [entryId, fields] of entries) this.handleEntry(module, stream, entryId, fields);
      }
    }
  }

  /** After a Redis restart the streams and groups are gone: wait for the connection, recreate them. */
  private async recover(module: string, reader: Redis, error: Error): Promise<void> {
    await delay(100, undefined, { ref: false });
    if (this.closing) return;
    await Promise.all([whenReady(reader), whenReady(this.commands!)]).catch(() => undefined);
    if (error.message.includes('NOGROUP')) await this.ensureGroups(module, true).catch(() => undefined);
  }

  private handleEntry(module: string, stream: string, entryId: string, fields: string[]): void {
    const packets = readPackets(fields, this.maxEntryLength);
    if (packets.length === 0) {
      this.logger.warn(`Dropped malformed entry ${entryId} of ${stream}`);
      this.acks.add(stream, { module, entryId });
      return;
    }
    const request = this.requestStreams.get(stream);
    let open = packets.length;
    this.inFlight += open;
    const done = () => {
      this.inFlight--;
      if (--open === 0) this.acks.add(stream, { module, entryId });
      if (this.inFlight < this.maxInFlight) this.belowLimit.splice(0).forEach((resolve) => resolve());
      if (this.inFlight === 0) this.drained.splice(0).forEach((resolve) => resolve());
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
      this.logger.warn(`Dropped a malformed request in entry ${entryId} of ${stream}`);
      return done();
    }
    const metadata = readMetadata(packet.metadata);
    const context = new RedisStreamsContext([pattern, metadata, stream, entryId]);
    const call = CallContext.fromMetadata(metadata, DEFAULT_BUDGET_MS);
    // Read after its caller's budget ran out while it waited in the stream (this replica was
    // stalled or busy): its caller has given up, and must not have it run behind its back.
    if (this.clock.ageOf(entryId) >= call.remainingMs()) {
      const late = new DeadlineExceededError(`Deadline passed before "${pattern}" was read`, { pattern });
      this.replies.add(replyTo, { id, err: late.toJSON() });
      return done();
    }
    const reply: Reply = (err, response, auth) => {
      this.replies.add(replyTo, err === undefined ? { id, response, auth } : { id, err, auth });
      done();
    };
    dispatchRequest(this.table, pattern, packet.data, context, call, this.dispatch, reply, vouched);
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
    void dispatchEvent(
      this.table,
      pattern,
      packet.data,
      context,
      call,
      new Set([module]),
      this.dispatch,
      (data) => data,
      this.requestStreams.eventLink(module, pattern),
    ).finally(done);
  }

  /** Publishes the replies for one caller gathered during a tick: one message per caller. */
  private publishReplies(channel: string, replies: StreamReply[]): void {
    const message = JSON.stringify(replies.length === 1 ? replies[0] : replies);
    this.commands!.publish(channel, message).catch(() => undefined);
  }

  /** Acknowledges entries of a stream gathered during a tick; request entries are deleted too. */
  private acknowledge(stream: string, entries: Array<{ module: string; entryId: string }>): void {
    const ids = entries.map((entry) => entry.entryId);
    this.commands!.xack(stream, entries[0]!.module, ...ids).catch(() => undefined);
    if (this.requestStreams.get(stream)) this.commands!.xdel(stream, ...ids).catch(() => undefined);
  }
}
