import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { Redis, RedisOptions } from 'ioredis';
import { randomHex } from '../../context/random-ids.js';
import type { DispatchOptions } from '../server-core/dispatch.js';
import { HandlerTable } from '../server-core/handler-table.js';
import { remoteDispatchOptions } from '../server-core/server-options.js';
import type { RedisStreamsServerOptions } from './redis-streams.options.js';
import { HeartbeatPublisher } from './heartbeat.js';
import { createRedisConnection, describeRedisUrl, whenReady } from './redis-connection.js';
import { redisKeys } from './redis-keys.js';
import { DEFAULT_MAX_MESSAGE_BYTES, ENVELOPE_ALLOWANCE_BYTES } from '../../wire/limits.js';
import { RequestStreams } from './request-streams.js';
import { createGroup } from './stream-group.js';
import { RedisClock } from './redis-clock.js';
import { assertAclVouches } from './acl-identity-check.js';
import { RedisOutageLog } from './redis-outage-log.js';
import { StreamEntries } from './stream-entries.js';
import { STALE_CONSUMER_AFTER_MS, StaleConsumerSweeper } from './stale-consumers.js';

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
  private readonly staleConsumerAfterMs: number;
  private commands?: Redis;
  private presence?: Redis;
  private readonly readers: Redis[] = [];
  private heartbeat?: HeartbeatPublisher;
  private entries?: StreamEntries;
  private sweeper?: StaleConsumerSweeper;
  private closing = false;
  private readonly aclIdentities: boolean;
  private requestStreams = new RequestStreams([], undefined);
  private readonly clock = new RedisClock();
  private readonly outages: RedisOutageLog;

  constructor(private readonly options: RedisStreamsServerOptions) {
    super();
    this.hosted = [...options.hosted];
    this.dispatch = remoteDispatchOptions(options);
    this.batchSize = options.batchSize ?? 16;
    // Clients refuse larger payloads before sending; anything larger was written by someone else.
    this.maxEntryLength = (options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) + ENVELOPE_ALLOWANCE_BYTES;
    this.maxInFlight = options.maxInFlight ?? 1_000;
    this.aclIdentities = options.security?.aclIdentities === true;
    this.staleConsumerAfterMs = options.staleConsumerAfterMs ?? STALE_CONSUMER_AFTER_MS;
    if (!(this.staleConsumerAfterMs >= 0))
      throw new RangeError(`staleConsumerAfterMs must be 0 or more, got ${this.staleConsumerAfterMs}`);
    this.outages = new RedisOutageLog(
      `Redis streams server ${this.replica} (${describeRedisUrl(options.url)})`,
      this.logger,
    );
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
      const commands = await this.connection('commands', {
        enableAutoPipelining: true,
        // Replies leave at the end of the tick they were made in (StreamEntries gathers them),
        // not one event-loop turn later: on a sequential caller's path that turn is latency.
        autoPipeliningIgnoredCommands: ['publish'],
      });
      this.commands = commands;
      // Measured again after each reconnection: the Redis that answers may be another machine.
      await this.clock.sync(commands);
      commands.on('ready', () => void this.clock.sync(commands));
      // Mesh keys name the callers whose streams to read (and heartbeats stay signed).
      if (this.aclIdentities) await assertAclVouches(commands, this.options, this.dispatch.auth);
      this.requestStreams = new RequestStreams(this.hosted, this.aclIdentities ? this.dispatch.auth : undefined);
      this.entries = new StreamEntries({
        table: this.table,
        dispatch: this.dispatch,
        requestStreams: this.requestStreams,
        clock: this.clock,
        commands,
        maxEntryLength: this.maxEntryLength,
        maxInFlight: this.maxInFlight,
        logger: this.logger,
      });
      // Announced before reading, so that no call is taken by a replica no client has heard of.
      this.presence = await this.connection('presence');
      this.heartbeat = new HeartbeatPublisher(commands, this.presence, this.replica, this.hosted, this.dispatch.auth);
      await this.heartbeat.start();
      for (const module of this.hosted) {
        await this.ensureGroups(module);
        const reader = await this.connection(module);
        this.readers.push(reader);
        void this.readLoop(module, reader, this.entries);
      }
      this.sweeper = new StaleConsumerSweeper(
        commands,
        () => this.hosted.flatMap((module) => this.streamsOf(module).map((stream) => ({ stream, group: module }))),
        this.replica,
        this.staleConsumerAfterMs,
        this.logger,
      );
      this.sweeper.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * Stops reading at once: what its module's streams receive from now on is read by the other
   * replicas of its group (or waits for the next one to start). Calls in flight go on, and the
   * replica stays announced until {@link close} has answered them. Called when the process is
   * asked to stop (`stopTakingWork` of the module), before Nest's asynchronous shutdown reaches
   * {@link close}, which may be seconds later (the HTTP server drains first).
   */
  stopTakingWork(): void {
    if (this.closing) return;
    this.closing = true;
    this.sweeper?.stop();
    for (const reader of this.readers) reader.disconnect();
    this.entries?.stopWaiting();
  }

  /**
   * Stops reading, finishes what is in flight (up to `graceMs`) and only then announces that the
   * replica is gone, so callers get the answers of the calls it had taken.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.stopTakingWork();
    await this.entries?.drained(graceMs);
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

  /** A ready connection of this replica, its failures reported through {@link outages}. */
  private async connection(purpose: string, overrides?: RedisOptions): Promise<Redis> {
    const redis = await createRedisConnection(this.options, `seam:${this.replica}:${purpose}`, overrides);
    this.outages.watch(redis, purpose);
    await whenReady(redis, `Redis streams server (${describeRedisUrl(this.options.url)})`);
    return redis;
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

  private async readLoop(module: string, reader: Redis, entries: StreamEntries): Promise<void> {
    const streams = this.streamsOf(module);
    const cursors = streams.map(() => '>');
    while (!this.closing) {
      // Let the replies of the entries just read leave first (they go out at the end of this
      // tick): the next blocking read can wait for them, a waiting caller cannot.
      await new Promise((resolve) => setImmediate(resolve));
      if (entries.saturated) {
        await entries.belowLimit();
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
      for (const [stream, read] of batch ?? []) {
        for (const [entryId, fields] of read) entries.handle(module, stream, entryId, fields);
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
}
