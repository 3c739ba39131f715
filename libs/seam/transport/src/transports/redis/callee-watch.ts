import type { Redis } from 'ioredis';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { isAuthenticHeartbeat } from '../../auth/heartbeat-auth.js';
import { numsubProbe } from './heartbeat.js';
import { Liveness } from './liveness.js';
import { redisKeys } from './redis-keys.js';
import type { PendingCall } from './stream-calls.js';
import { entriesHeldBy, streamConsumers } from './stream-group.js';

/** The connections of a Redis streams client, as a {@link CalleeWatch} uses them. */
export interface WatchConnections {
  /** For commands (`XINFO`, `XPENDING`, `PUBSUB NUMSUB`…). */
  commands?: Redis;
  /** In subscriber mode: heartbeats are subscribed on it. */
  subscriber?: Redis;
}

/**
 * What a Redis streams client knows of the replicas of the modules it calls: subscribed to each
 * module's heartbeats at its first call, it learns the replicas from them and from the module's
 * consumer group, and when Redis confirms one dead (see {@link Liveness}) fails the calls that
 * replica had taken — every call to the module when none is left — and deletes its consumer.
 */
export class CalleeWatch {
  private readonly watched = new Set<string>();
  /** The request streams appended to, per module (more than one with ACL identities). */
  private readonly streams = new Map<string, Set<string>>();
  private readonly liveness: Liveness;

  /**
   * @param fail fails the pending calls `which` picks as Unavailable, saying `reason`
   * @param auth checks that heartbeats come from the module they name
   */
  constructor(
    private readonly connections: () => WatchConnections,
    private readonly fail: (which: (call: PendingCall) => boolean, reason: string) => void,
    private readonly auth: EnvelopeAuth | undefined,
    suspectAfterMs: number | undefined,
  ) {
    this.liveness = new Liveness(
      {
        replicaDied: (module, replica) => void this.replicaDied(module, replica),
        moduleSilent: (module) => this.fail((call) => call.module === module, `no replica of "${module}" is connected`),
      },
      numsubProbe(() => this.connections().commands),
      { expectHeartbeats: true, suspectAfterMs },
    );
  }

  /** Whether Redis confirmed that no replica of `module` is alive. */
  isDown(module: string): boolean {
    return this.liveness.isDown(module);
  }

  /** How many replicas of `module` are believed alive (0 while none is known). */
  replicaCount(module: string): number {
    return this.liveness.replicaCount(module);
  }

  /**
   * A call to `module` goes to `stream`. The first time a module is called: subscribes to its
   * heartbeats, and learns the replicas that already read its request stream (its group's
   * consumers), which may take the call before their next heartbeat arrives.
   */
  watch(module: string, stream: string): void {
    let streams = this.streams.get(module);
    if (!streams) this.streams.set(module, (streams = new Set()));
    streams.add(stream);
    if (this.watched.has(module)) return;
    this.watched.add(module);
    this.connections()
      .subscriber?.subscribe(redisKeys.heartbeats(module))
      .then(
        () => {
          this.liveness.watch(module);
          void streamConsumers(this.connections().commands!, stream, module).then((replicas) =>
            this.liveness.seed(module, replicas),
          );
        },
        () => this.watched.delete(module),
      );
  }

  /** A message on a heartbeat channel (untrusted: anything not authentic is ignored). */
  heard(channel: string, message: string): void {
    const module = channel.slice(redisKeys.heartbeats('').length);
    if (this.watched.has(module) && isAuthenticHeartbeat(this.auth, module, message))
      this.liveness.observe(module, message);
  }

  /**
   * Forgets everything (the connection to Redis was lost: heartbeats were missed). Each module's
   * heartbeat subscription, consumers and silence clock are learnt again from its next call.
   */
  reset(): void {
    this.watched.clear();
    this.liveness.reset();
  }

  stop(): void {
    this.liveness.stop();
  }

  /** Fails the calls the dead replica had taken; if no replica is left, every call to the module. */
  private async replicaDied(module: string, replica: string): Promise<void> {
    const streams = [...(this.streams.get(module) ?? [])];
    const everyCall = this.liveness.isDown(module);
    const held = everyCall ? undefined : await entriesHeldBy(this.connections().commands!, streams, module, replica);
    this.fail(
      (call) => call.module === module && (everyCall || held!.has(`${call.stream} ${call.entry?.id}`)),
      everyCall ? `no replica of "${module}" is alive` : `replica ${replica} of "${module}" died`,
    );
    for (const stream of streams)
      this.connections()
        .commands?.xgroup('DELCONSUMER', stream, module, replica)
        .catch(() => undefined);
  }
}
