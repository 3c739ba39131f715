import { Logger } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Redis } from 'ioredis';
import { randomHex } from '../../context/random-ids.js';
import type { SeamError } from '../../errors/seam-error.js';
import { assertTransmittable } from '../../wire/json-copy.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../wire/limits.js';
import { moduleOfPattern } from '../server-core/handler-table.js';
import { structuredCopy } from '../server-core/server-options.js';
import {
  metadataSentAt,
  type OutgoingPacket,
  outgoingOf,
  type ReplyCallback,
  refuseUnsendable,
  type SeamTransportClient,
} from '../transport-client.js';
import { CalleeWatch } from './callee-watch.js';
import {
  closeRedis,
  createRedisConnection,
  describeRedisUrl,
  noReplicaAt,
  unavailableAt,
  whenReady,
} from './redis-connection.js';
import { redisKeys } from './redis-keys.js';
import {
  BATCH_FIELD,
  MAX_EVENT_STREAM_LENGTH,
  MAX_REQUEST_STREAM_LENGTH,
  MAX_REQUESTS_PER_ENTRY,
  PACKET_FIELD,
  readReplies,
} from './stream-packets.js';
import { type PendingCall, PendingCalls, type QueuedCall } from './stream-calls.js';
import type { RedisStreamsClientOptions } from './redis-streams.options.js';
import { ReplySubscription } from './reply-subscription.js';
import { TickBatcher } from './tick-batcher.js';
import { signEvent, signRequest } from '../../auth/outgoing-auth.js';
import { assertAclVouches } from './acl-identity-check.js';
import { streamOfCall } from './request-streams.js';
import { RedisOutageLog } from './redis-outage-log.js';

export type { RedisStreamsClientOptions } from './redis-streams.options.js';

/**
 * Seam's load-balanced Redis transport, client side. A request is appended to the module's
 * request stream (one replica takes it) and answered on this client's own reply channel; an
 * event is appended to its pattern's stream. Calls fail as Unavailable at once when Redis is
 * unreachable, when the replica holding them stops beating, or when no replica is left; a call
 * that was never taken is deleted from the stream so that it cannot run after its caller gave up.
 */
export class RedisStreamsClient extends ClientProxy implements SeamTransportClient {
  readonly endpoint: string;
  private readonly maxMessageBytes: number;
  /** 128 random bits: the reply channel is named after it, so it must not be guessable. */
  private readonly clientId = randomHex(16);
  private readonly replies = new ReplySubscription(
    redisKeys.replies(this.clientId),
    (reason) => (this.lastRedisError = reason),
  );
  private readonly pending = new PendingCalls((stream, entryId) => {
    if (this.commands?.status === 'ready') this.commands.xdel(stream, entryId).catch(() => undefined);
  });
  private readonly aclIdentities: boolean;
  private readonly callees: CalleeWatch;
  private readonly outages: RedisOutageLog;
  private commands?: Redis;
  private subscriber?: Redis;
  /** How many times {@link close} ran: an {@link open} that outlived one gives up. */
  private closes = 0;
  private connecting?: Promise<void>;
  /** Why the last connection attempt or connection failed, for the Unavailable of the calls it fails. */
  private lastRedisError?: string;
  private readonly outbox = new TickBatcher<QueuedCall>(
    (stream, calls) => this.appendEntries(stream, calls),
    MAX_REQUESTS_PER_ENTRY,
  );

  constructor(private readonly options: RedisStreamsClientOptions) {
    super();
    this.endpoint = `redis-streams+${describeRedisUrl(options.url)}`;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.aclIdentities = options.security?.aclIdentities === true;
    this.callees = new CalleeWatch(
      () => ({ commands: this.commands, subscriber: this.subscriber }),
      (which, reason) => this.failAll(which, reason),
      options.auth,
      options.suspectAfterMs,
    );
    this.outages = new RedisOutageLog(
      `Redis streams client (${describeRedisUrl(options.url)})`,
      new Logger(RedisStreamsClient.name),
    );
  }

  override connect(): Promise<void> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw unavailableAt(this.endpoint, error);
    });
    return this.connecting;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  request(outgoing: OutgoingPacket, reply: ReplyCallback): () => void {
    const refused = refuseUnsendable(outgoing, this.maxMessageBytes, reply);
    if (refused) return refused;
    const module = moduleOfPattern(outgoing.pattern);
    const { stream, vouched } = streamOfCall(module, outgoing.metadata['seam-caller'], this.aclIdentities);
    const id = randomHex(16); // 128 random bits, not a counter: nobody can predict the next call's id
    // Signed as it leaves (see append), when the budget it states — which the signature covers — is known.
    const call: PendingCall = { module, stream, reply };
    this.pending.add(id, call);
    // Not with its callee down: that call fails, and a reply is never synchronous.
    if (this.isConnected() && !this.callees.isDown(module)) {
      this.append(id, call, outgoing, vouched); // encoded before this returns: no promise hop, no copy
    } else {
      // Sent once connected: what the caller passed now, not what it has made of it by then (as
      // in process, and as when connected, where it is encoded before this returns).
      const snapshot = { ...outgoing, data: structuredCopy(outgoing.data) };
      this.connect().then(
        () => this.append(id, call, snapshot, vouched),
        (error: unknown) => this.fail(id, error as SeamError),
      );
    }
    return () => void this.pending.abandon(id);
  }

  async publishEvent(event: OutgoingPacket): Promise<void> {
    assertTransmittable(event.data, this.maxMessageBytes);
    const connected = this.isConnected();
    // As for a request: the event as emitted, whatever the emitter changes while this connects.
    const emitted = connected ? event : { ...event, data: structuredCopy(event.data) };
    // With ACL identities only the owning module's user may append to an event's stream.
    const packet = this.aclIdentities ? emitted : signEvent(this.options.auth, emitted);
    if (!connected) await this.connect();
    const entry = JSON.stringify({ pattern: packet.pattern, data: packet.data, metadata: packet.metadata });
    const stream = redisKeys.events(packet.pattern);
    try {
      await this.commands!.xadd(stream, 'MAXLEN', '~', MAX_EVENT_STREAM_LENGTH, '*', PACKET_FIELD, entry);
    } catch (error) {
      throw unavailableAt(this.endpoint, error);
    }
  }

  override async close(): Promise<void> {
    this.closes += 1;
    this.failAll(() => true, 'the client was closed');
    this.callees.stop();
    const connections = [this.commands, this.subscriber];
    this.commands = this.subscriber = this.connecting = undefined;
    this.replies.stop();
    await Promise.allSettled(connections.map(closeRedis));
  }

  override unwrap<T>(): T {
    return [this.commands, this.subscriber] as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    return this.request(outgoingOf(packet), (err, response) =>
      err === undefined ? callback({ response, isDisposed: true }) : callback({ err, isDisposed: true }),
    );
  }

  protected async dispatchEvent<T = undefined>(packet: ReadPacket): Promise<T> {
    await this.publishEvent(outgoingOf(packet));
    return undefined as T;
  }

  /** Whether both connections are up and the reply channel subscribed on the current one. */
  private isConnected(): boolean {
    return this.commands?.status === 'ready' && this.replies.ready;
  }

  private async open(): Promise<void> {
    const name = `seam:client:${this.clientId}`;
    const closes = this.closes;
    const connections = await Promise.all([
      createRedisConnection(this.options, `${name}:commands`, {
        enableAutoPipelining: true,
        // Requests are gathered per tick already (TickBatcher): they leave at its end, not a turn later.
        autoPipeliningIgnoredCommands: ['xadd'],
      }),
      createRedisConnection(this.options, `${name}:replies`),
    ]);
    // Closed while ioredis was being imported: these connections were never seen by close().
    if (closes !== this.closes) throw new Error('the client was closed');
    [this.commands, this.subscriber] = connections;
    // Before the listeners below, so that calls failed on a close are refused after it.
    this.replies.follow(this.subscriber);
    for (const [redis, purpose] of [
      [this.commands, 'commands'],
      [this.subscriber, 'replies'],
    ] as const) {
      // Reported through failed calls (with the last reason: WRONGPASS, a TLS refusal…) and, once
      // per outage, logged; ioredis reconnects by itself.
      this.outages.watch(redis, purpose);
      redis.on('error', (error: Error) => (this.lastRedisError = error.message));
      redis.on('ready', () => (this.lastRedisError = undefined));
      redis.on('close', () => this.connectionLost());
    }
    this.subscriber.on('message', (channel: string, message: string) => this.receive(channel, message));
    await Promise.all([whenReady(this.commands), whenReady(this.subscriber)]);
    if (this.aclIdentities) await assertAclVouches(this.commands, this.options, 'client');
    await this.replies.subscribe();
  }

  private append(id: string, call: PendingCall, outgoing: OutgoingPacket, vouched: boolean): void {
    if (!this.pending.has(id)) return;
    if (this.commands?.status !== 'ready') return this.fail(id, unavailableAt(this.endpoint, 'not connected to Redis'));
    if (!this.replies.ready) {
      const reason = this.lastRedisError ? ` (${this.lastRedisError})` : '';
      return this.fail(id, unavailableAt(this.endpoint, `not subscribed to its reply channel${reason}`));
    }
    this.callees.watch(call.module, call.stream);
    if (this.callees.isDown(call.module)) return this.fail(id, noReplicaAt(this.endpoint, call.module));
    // Connecting and subscribing took part of the budget: the callee is told what is left.
    const metadata = metadataSentAt(outgoing, performance.now());
    const timed = metadata === outgoing.metadata ? outgoing : { ...outgoing, metadata };
    const signed = vouched ? { packet: timed, reply: call.reply } : signRequest(this.options.auth, timed, call.reply);
    if (!signed) return void this.pending.abandon(id); // signRequest answers the caller itself
    call.reply = signed.reply;
    const { packet } = signed;
    const body = JSON.stringify({
      id,
      pattern: packet.pattern,
      data: packet.data,
      metadata: packet.metadata,
      replyTo: this.replies.channel,
    });
    this.outbox.add(call.stream, { id, call, body });
  }

  /**
   * Appends the calls to one request stream queued during a tick as one entry per live replica of
   * the module, at most (an entry goes to one replica): Redis hands each entry, as it is added, to
   * the replica that has waited longest, so a burst is shared by the replicas that are waiting
   * instead of going whole to the first. A replica that is busy reads what is left when it is back.
   * Until the replicas are known (a module's first calls: they are learnt in the background), each
   * call is an entry of its own.
   */
  private appendEntries(stream: string, queued: QueuedCall[]): void {
    const replicas = this.callees.replicaCount(queued[0]!.call.module);
    const entries = replicas === 0 ? queued.length : Math.min(queued.length, replicas);
    const perEntry = Math.ceil(queued.length / entries);
    for (let first = 0; first < queued.length; first += perEntry) {
      this.appendEntry(stream, queued.slice(first, first + perEntry));
    }
  }

  /** Appends calls to one request stream as one stream entry. */
  private appendEntry(stream: string, queued: QueuedCall[]): void {
    const bound = this.pending.entryOf(queued);
    if (!bound) return;
    const { live, entry } = bound;
    const fields =
      live.length === 1 ? [PACKET_FIELD, live[0]!.body] : [BATCH_FIELD, `[${live.map(({ body }) => body).join(',')}]`];
    this.commands!.xadd(stream, 'MAXLEN', '~', MAX_REQUEST_STREAM_LENGTH, '*', ...fields).then(
      (entryId) => this.pending.appended(stream, entry, entryId),
      (error: unknown) => live.forEach(({ id }) => this.fail(id, unavailableAt(this.endpoint, error))),
    );
  }

  private receive(channel: string, message: string): void {
    if (channel === this.replies.channel) return this.settle(message);
    this.callees.heard(channel, message);
  }

  private settle(message: string): void {
    for (const reply of readReplies(message)) {
      this.pending.answered(reply.id)?.reply(reply.err ?? undefined, reply.response, reply.auth);
    }
  }

  private connectionLost(): void {
    // Everything is learnt again from each module's next call: heartbeat subscription, the
    // stream's consumers, the silence clock.
    this.callees.reset();
    const reason = this.lastRedisError ? ` (${this.lastRedisError})` : '';
    this.failAll(() => true, `the connection to Redis was lost${reason}`);
  }

  private failAll(which: (call: PendingCall) => boolean, reason: string): void {
    for (const id of this.pending.idsOf(which)) this.fail(id, unavailableAt(this.endpoint, reason));
  }

  private fail(id: string, error: SeamError): void {
    this.pending.abandon(id)?.reply(error);
  }
}
