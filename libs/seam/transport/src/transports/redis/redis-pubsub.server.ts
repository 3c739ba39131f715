import { type MessageHandler, RedisContext, ServerRedis } from '@nestjs/microservices';
import type { Redis } from 'ioredis';
import { CallContext } from '../../context/call-context.js';
import { DEFAULT_BUDGET_MS } from '../../context/call-context.registry.js';
import { randomHex } from '../../context/random-ids.js';
import { shuttingDownError } from '../../errors/shutting-down.js';
import { type DispatchOptions, dispatchEvent, dispatchRequest } from '../server-core/dispatch.js';
import { HandlerTable } from '../server-core/handler-table.js';
import { type RemoteServerOptions, remoteDispatchOptions, structuredCopy } from '../server-core/server-options.js';
import { HeartbeatPublisher } from './heartbeat.js';
import { InFlightRequests } from '../server-core/in-flight-requests.js';
import { isPresenceChannel } from './redis-keys.js';
import { redisConnectionOptions, type SeamRedisSecurity } from './redis-tls.js';
import { NEST_REDIS_RECONNECT } from './redis-url.js';
import { describeRedisUrl } from './redis-connection.js';
import { redisConnectFailure } from './redis-connect-failure.js';
import { RedisOutageLog } from './redis-outage-log.js';
import { readMetadata } from './stream-packets.js';

/** Options of {@link SeamRedisPubSubServer}. */
export interface SeamRedisPubSubServerOptions extends RemoteServerOptions {
  /** `redis://host:port/db`, or `rediss://` for TLS */
  url: string;
  /** ACL credentials and TLS settings of this process (see {@link SeamRedisSecurity}). */
  security?: SeamRedisSecurity;
  /** How long `close()` waits for requests in flight to be answered (default 8,000 ms). */
  drainTimeoutMs?: number;
}

/** Below the 10 s a deployable has to exit after SIGTERM, leaving time to close the rest. */
const DEFAULT_DRAIN_TIMEOUT_MS = 8_000;

/**
 * Nest's stock Redis transport (pub/sub, Nest's wire format: stock Nest Redis clients can call it)
 * with Seam's semantics on top. Pub/sub cannot load-balance: every replica handles every request
 * and every event. Use it with one replica per module, or to interoperate with stock Nest
 * services; use the `streams` mode otherwise.
 */
export class SeamRedisPubSubServer extends ServerRedis {
  private readonly table = new HandlerTable();
  private readonly hosted: ReadonlySet<string>;
  private readonly dispatch: DispatchOptions;
  private heartbeat?: HeartbeatPublisher;
  private readonly outages: RedisOutageLog;
  private readonly endpoint: string;
  private readonly drainTimeoutMs: number;
  private readonly inFlight = new InFlightRequests();
  /** The channels requests arrive on, once subscribed (see {@link bindEvents}). */
  private requestChannels: string[] = [];
  private closing = false;
  private closed?: Promise<void>;
  /** Who this is, for messages: `Redis pub/sub server (redis://host:port)`, no credentials. */
  private readonly where: string;
  /** The last failure of a connection not ready again since (see {@link registerErrorListener}). */
  private lastRedisError?: Error;

  constructor(options: SeamRedisPubSubServerOptions) {
    super({ ...redisConnectionOptions(options.url, options.security), ...NEST_REDIS_RECONNECT });
    this.hosted = new Set(options.hosted);
    this.dispatch = remoteDispatchOptions(options);
    this.endpoint = `redis-pubsub+${describeRedisUrl(options.url)}`;
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    this.where = `Redis pub/sub server (${describeRedisUrl(options.url)})`;
    this.outages = new RedisOutageLog(this.where, this.logger);
  }

  /** Once per outage, not once per reconnection attempt as Nest's listener does (see {@link RedisOutageLog}). */
  override registerErrorListener(client: Redis): void {
    this.outages.watch(client);
    // The reason a connect fails with: ioredis's own rejection says only "Connection is closed."
    client.on('error', (error: Error) => (this.lastRedisError = error));
    client.on('ready', () => (this.lastRedisError = undefined));
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

  override async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.table.assertHostedOnly(this.hosted, 'Redis pub/sub server');
    } catch (error) {
      return callback(error);
    }
    try {
      await new Promise<void>((resolve, reject) => {
        void super.listen((error?: unknown) =>
          error ? reject(redisConnectFailure(error, this.lastRedisError, this.where)) : resolve(),
        );
      });
      const replica = `${process.pid}-${randomHex(3)}`;
      this.heartbeat = new HeartbeatPublisher(
        this.pubClient,
        this.subClient,
        replica,
        [...this.hosted],
        this.dispatch.auth,
      );
      await this.heartbeat.start();
    } catch (error) {
      return callback(error);
    }
    callback();
  }

  /**
   * Stops taking requests at once, without waiting for anything: the request channels are
   * unsubscribed, so that a request published from now on reaches only the other replicas (with
   * none, its caller fails it once this replica announces it is gone, see {@link close}); one that
   * Redis delivered before the unsubscription is answered `UnavailableError` (reason
   * `shutting-down`, see `shuttingDownError`): it was not run, so its caller may send it again.
   * Requests in flight go on; events are still delivered until {@link close}. Called when the
   * process is asked to stop (see `stopTakingWork` of the module), before Nest's asynchronous
   * shutdown reaches {@link close}.
   */
  stopTakingWork(): void {
    if (this.closing) return;
    this.closing = true;
    // Not awaited by close: a request that arrives before Redis has taken the unsubscription is refused anyway.
    if (this.requestChannels.length > 0) this.subClient?.unsubscribe(...this.requestChannels).catch(() => undefined);
  }

  /**
   * Stops taking requests, answers those in flight (for up to `drainTimeoutMs`), and only then
   * announces that the replica is gone and quits Redis: callers fail their pending calls on that
   * announcement, and Nest's own close quits at once, so either one first would fail calls whose
   * handlers are running — and leave the caller not knowing whether they took effect. Closing
   * again waits for the first close.
   */
  override close(): Promise<void> {
    this.closed ??= this.drainThenQuit();
    return this.closed;
  }

  private async drainThenQuit(): Promise<void> {
    this.stopTakingWork();
    await this.inFlight.drained(this.drainTimeoutMs);
    // The replies were published on the connection the announcement goes out on: they arrive first.
    await this.heartbeat?.stop();
    await super.close();
  }

  override bindEvents(subClient: Redis, pubClient: Redis): void {
    subClient.on('message', (channel: string, buffer: string) => {
      if (isPresenceChannel(channel)) return; // presence channels carry no messages of ours
      this.handleMessage(channel, buffer, pubClient).catch((error: unknown) => this.logger.error(error));
    });
    const events = [...this.table.subscriptionsByModule()]
      .filter(([module]) => this.hosted.has(module))
      .flatMap(([, patterns]) => patterns);
    this.requestChannels = [...this.table.requestPatterns(this.hosted)];
    const channels = new Set([...this.requestChannels, ...events]);
    if (channels.size > 0) void subClient.subscribe(...channels);
  }

  override async handleMessage(channel: string, buffer: string, pub: Redis): Promise<void> {
    const packet = this.parseMessage(buffer) as { id?: unknown; data?: unknown; metadata?: unknown };
    if (typeof packet !== 'object' || packet === null) return;
    const metadata = readMetadata(packet.metadata);
    const context = new RedisContext([channel, metadata]);
    const call = CallContext.fromMetadata(metadata, DEFAULT_BUDGET_MS);
    if (packet.id === undefined) {
      await dispatchEvent(this.table, channel, packet.data, context, call, this.hosted, this.dispatch, structuredCopy);
      return;
    }
    const id = packet.id;
    const send = (err: unknown, response?: unknown, auth?: string) => {
      const reply =
        err === undefined
          ? { id, response, isDisposed: true, auth }
          : { id, err, status: 'error', isDisposed: true, auth };
      pub.publish(this.getReplyPattern(channel), JSON.stringify(reply)).catch(() => undefined);
    };
    // Delivered before the request channels were unsubscribed: refused, typed, so that the caller may resend it.
    if (this.closing) return send(shuttingDownError(this.endpoint).toJSON());
    this.inFlight.begin();
    dispatchRequest(this.table, channel, packet.data, context, call, this.dispatch, (err, response, auth) => {
      send(err, response, auth);
      this.inFlight.end();
    });
  }
}
