import { ClientRedis, type PacketId, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Redis } from 'ioredis';
import { randomHex } from '../../context/random-ids.js';
import { type SeamError, UnavailableError, type WireError } from '../../errors/seam-error.js';
import { assertTransmittable } from '../../wire/json-copy.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../wire/limits.js';
import { moduleOfPattern } from '../server-core/handler-table.js';
import { structuredCopy } from '../server-core/server-options.js';
import {
  metadataSentAt,
  type OutgoingPacket,
  type ReplyCallback,
  refuseUnsendable,
  type SeamTransportClient,
} from '../transport-client.js';
import { numsubProbe } from './heartbeat.js';
import { Liveness } from './liveness.js';
import { describeRedisUrl, unavailableAt } from './redis-connection.js';
import { redisKeys } from './redis-keys.js';
import { redisConnectionOptions, type SeamRedisSecurity } from './redis-tls.js';
import { NEST_REDIS_RECONNECT } from './redis-url.js';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { signEvent, signRequest, type SignedReplyCallback } from '../../auth/outgoing-auth.js';
import { isAuthenticHeartbeat } from '../../auth/heartbeat-auth.js';
import { RedisOutageLog } from './redis-outage-log.js';

/** Options of {@link SeamRedisPubSubClient}. */
export interface SeamRedisPubSubClientOptions {
  /** `redis://host:port/db`, or `rediss://` for TLS */
  url: string;
  /** ACL credentials and TLS settings of this process (see {@link SeamRedisSecurity}). */
  security?: SeamRedisSecurity;
  /** Largest request or event payload in UTF-8 JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** Signs every request and event, and accepts only signed replies (see `EnvelopeAuth`). */
  auth?: EnvelopeAuth;
  /**
   * How long every replica of a callee may stay silent before this client asks Redis whether any is
   * still connected (default 600 ms); calls fail only once Redis sees none.
   */
  suspectAfterMs?: number;
}

interface PendingCall {
  module: string;
  fail(error: SeamError): void;
}

/**
 * Nest's stock Redis client (pub/sub wire format) driven the Seam way: payload size checked,
 * reply channels kept subscribed (Nest subscribes and unsubscribes around every call when calls
 * are sequential), calls failed as Unavailable when Redis drops or when every replica of the
 * callee stops beating.
 */
export class SeamRedisPubSubClient extends ClientRedis implements SeamTransportClient {
  readonly endpoint: string;
  private readonly maxMessageBytes: number;
  private readonly calls = new Map<number, PendingCall>();
  private readonly watched = new Set<string>();
  private readonly listening = new WeakSet<object>();
  private readonly liveness: Liveness;
  private sequence = 0;
  private readonly auth?: EnvelopeAuth;
  private readonly outages: RedisOutageLog;

  constructor(options: SeamRedisPubSubClientOptions) {
    super({ ...redisConnectionOptions(options.url, options.security), ...NEST_REDIS_RECONNECT });
    this.endpoint = `redis-pubsub+${describeRedisUrl(options.url)}`;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.auth = options.auth;
    this.liveness = new Liveness(
      { replicaDied: (module) => this.replicaDied(module), moduleSilent: (module) => this.replicaDied(module) },
      numsubProbe(() => this.pubClient),
      { suspectAfterMs: options.suspectAfterMs },
    );
    this.outages = new RedisOutageLog(`Redis pub/sub client (${describeRedisUrl(options.url)})`, this.logger);
  }

  /** Once per outage, not once per reconnection attempt as Nest's listener does (see {@link RedisOutageLog}). */
  override registerErrorListener(client: Redis): void {
    this.outages.watch(client);
  }

  /**
   * The id a reply is routed by: 128 CSPRNG bits. Nest's own (`uid(21)`) is cut from a sliding
   * window over `Math.random` output, so consecutive ids share 20 of their 21 characters.
   */
  protected override assignPacketId(packet: ReadPacket): ReadPacket & PacketId {
    return Object.assign(packet, { id: randomHex(16) });
  }

  get pendingCount(): number {
    return this.calls.size;
  }

  request(outgoing: OutgoingPacket, unsignedReply: ReplyCallback): () => void {
    const refused = refuseUnsendable(outgoing, this.maxMessageBytes, unsignedReply);
    if (refused) return refused;
    const key = ++this.sequence;
    const module = moduleOfPattern(outgoing.pattern);
    // Until the request is signed as it leaves (below): errors raised here need no signature.
    let reply: SignedReplyCallback = unsignedReply;
    let teardown: (() => void) | undefined;
    const finish: SignedReplyCallback = (error, response, auth) => {
      if (!this.calls.delete(key)) return;
      teardown?.();
      reply(error, response, auth);
    };
    this.calls.set(key, { module, fail: (error) => finish(error) });
    const onPacket = ({ err, response, isDisposed, auth }: WritePacket & { auth?: unknown }) => {
      if (err !== undefined && err !== null)
        finish(err instanceof Error ? this.unavailable(err) : (err as WireError), undefined, auth);
      else if (isDisposed) finish(undefined, response, auth);
    };
    const send = (packet: OutgoingPacket) => {
      // Connecting took part of the budget: the callee is told what is left, which the signature covers.
      const metadata = metadataSentAt(packet, performance.now());
      const signed = signRequest(this.auth, metadata === packet.metadata ? packet : { ...packet, metadata }, reply);
      if (!signed) return void this.calls.delete(key); // signRequest answers the caller itself
      reply = signed.reply;
      const { pattern, data, metadata: sent } = signed.packet;
      teardown = this.publish({ pattern, data, metadata: sent }, onPacket);
    };
    if (this.canSendNow(module, outgoing.pattern)) {
      send(outgoing); // encoded before this returns: no promise hop, no copy
    } else {
      // Sent once connected: what the caller passed now, not what it has made of it by then (as
      // in process, and as when connected, where it is encoded before this returns).
      const snapshot = { ...outgoing, data: structuredCopy(outgoing.data) };
      this.connect().then(
        () => {
          if (!this.calls.has(key)) return;
          this.watch(module);
          if (this.liveness.isDown(module)) return finish(this.unavailable(`no replica of "${module}" is alive`));
          send(snapshot);
        },
        (error: unknown) => finish(this.unavailable(error)),
      );
    }
    return () => {
      this.calls.delete(key);
      teardown?.();
    };
  }

  async publishEvent(event: OutgoingPacket): Promise<void> {
    assertTransmittable(event.data, this.maxMessageBytes);
    const connected = this.isConnected();
    // As for a request: the event as emitted, whatever the emitter changes while this connects.
    const packet = signEvent(this.auth, connected ? event : { ...event, data: structuredCopy(event.data) });
    try {
      if (!connected) await this.connect();
      await this.dispatchEvent({ pattern: packet.pattern, data: packet.data, metadata: packet.metadata });
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /**
   * Nest's reply routing, keeping the reply's `auth` field (Nest's passes `err`, `response` and
   * `isDisposed` only, and awaits the deserializer even when it is synchronous).
   */
  override createResponseCallback(): (channel: string, buffer: string) => Promise<void> {
    return async (_channel, buffer) => {
      let packet: (WritePacket & { id?: unknown; auth?: unknown }) | undefined;
      try {
        packet = JSON.parse(buffer);
      } catch {
        return;
      }
      if (typeof packet !== 'object' || packet === null || typeof packet.id !== 'string') return;
      const callback = this.routingMap.get(packet.id);
      if (!callback) return;
      const { err, response, isDisposed, auth } = packet;
      callback({ err, response, isDisposed: Boolean(isDisposed || err), auth } as WritePacket);
    };
  }

  override async connect(): Promise<void> {
    await super.connect();
    // Once per connection pair: concurrent first calls all get here, and Nest makes a new pair
    // when Redis stays unreachable.
    if (this.listening.has(this.subClient)) return;
    this.listening.add(this.subClient);
    this.subClient.on('message', (channel: string, message: string) => {
      if (!channel.startsWith(redisKeys.heartbeats(''))) return;
      const module = channel.slice(redisKeys.heartbeats('').length);
      if (isAuthenticHeartbeat(this.auth, module, message)) this.liveness.observe(module, message);
    });
    for (const redis of [this.pubClient, this.subClient]) redis.on('close', () => this.connectionLost());
  }

  override async close(): Promise<void> {
    this.liveness.stop();
    for (const call of this.calls.values()) call.fail(this.unavailable('the client was closed'));
    await super.close();
  }

  /** Keeps reply channels subscribed: Nest would unsubscribe whenever no call is in flight. */
  protected override unsubscribeFromChannel(channel: string): void {
    this.subscriptionsCount.set(channel, Math.max(1, (this.subscriptionsCount.get(channel) ?? 1) - 1));
  }

  /** Whether both connections of the current pair are up and were set up by {@link connect}. */
  private isConnected(): boolean {
    const subscriber = this.subClient;
    return subscriber?.status === 'ready' && this.pubClient?.status === 'ready' && this.listening.has(subscriber);
  }

  /**
   * Whether a request to `pattern` can be published before `request` returns: connected, its
   * callee watched and alive (else it fails, never synchronously), and its reply channel
   * subscribed (else Nest publishes it once SUBSCRIBE has answered).
   */
  private canSendNow(module: string, pattern: string): boolean {
    if (!this.isConnected() || !this.watched.has(module) || this.liveness.isDown(module)) return false;
    return (this.subscriptionsCount.get(this.getReplyPattern(this.normalizePattern(pattern))) ?? 0) > 0;
  }

  private watch(module: string): void {
    if (this.watched.has(module)) return;
    this.watched.add(module);
    this.subClient.subscribe(redisKeys.heartbeats(module)).then(
      () => this.liveness.watch(module),
      () => this.watched.delete(module),
    );
  }

  /** Pub/sub has no notion of who took a call: only when no replica is left do its calls fail. */
  private replicaDied(module: string): void {
    if (!this.liveness.isDown(module)) return;
    for (const call of this.calls.values())
      if (call.module === module) call.fail(this.unavailable(`no replica of "${module}" is alive`));
  }

  private connectionLost(): void {
    // Heartbeat subscriptions do not survive a reconnection here (a restarted Redis knows none, and
    // a new pair never had them): each module is subscribed again on its next call.
    this.watched.clear();
    this.liveness.reset();
    for (const call of this.calls.values()) call.fail(this.unavailable('the connection to Redis was lost'));
  }

  private unavailable(reason: unknown): UnavailableError {
    return unavailableAt(this.endpoint, reason);
  }
}
