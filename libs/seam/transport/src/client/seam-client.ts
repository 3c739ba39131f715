import type { EventEntry, RequestEntry } from '../contracts/contract.types.js';
import { CallContext, MAX_BUDGET_MS } from '../context/call-context.js';
import { currentCallContext } from '../context/call-scope.js';
import { seamTracer, withSpan } from '../context/seam-tracer.js';
import { DeadlineExceededError } from '../errors/seam-error.js';
import { errorFromWire } from '../errors/wire-errors.js';
import { type CallMeter, CallerMeters, transportKindOf } from './call-meters.js';
import { OutgoingCall } from './outgoing-call.js';
import { type OutgoingPacket, OutgoingRequest, type SeamTransportClient } from '../transports/transport-client.js';
import type { TransportRouter } from './transport-router.js';

/** Per-call options of {@link SeamClient.send}. */
export interface CallOptions {
  /** Deadline of this call in ms (default: the configured default, 5 s). Capped by the parent's. */
  timeoutMs?: number;
  /** The call this one is made for (default: the handler currently running, when propagation is on). */
  parent?: CallContext;
}

/** Per-event options of {@link SeamClient.emit}. */
export interface EmitOptions {
  /** The call this event is emitted within (default: the handler currently running). */
  parent?: CallContext;
}

/**
 * The typed client of module contracts. `send` and `emit` take a contract entry, never a pattern
 * string, and behave the same whichever transport carries the call (in-process, TCP, Redis):
 * the payload is copied, a deadline always applies, the context travels, errors arrive as
 * `SeamError` instances. One instance per calling module (its name travels as the caller).
 */
export class SeamClient {
  /** Where this caller's calls and events are counted and timed (see `installSeamMeters`). */
  private readonly meters: CallerMeters;

  constructor(
    private readonly router: TransportRouter,
    /** The module making the calls (`edge` for the HTTP edge). */
    readonly caller: string,
  ) {
    this.meters = new CallerMeters(caller);
  }

  /**
   * Sends a command or query and resolves with its response.
   *
   * Asynchronous. One attempt, unless the process installed a `CallPolicy` (retries of
   * idempotent entries, circuit breaker, bulkhead — `@seam/resilience`). Rejects with a
   * `SeamError`: the callee's typed error, `ValidationError` (request refused at the door, or too
   * large to send), `UnavailableError` (callee dead, unreachable or not serving the pattern; its
   * subclasses `CircuitOpenError` and `OverloadedError` when the call policy refused to send it),
   * `DeadlineExceededError` (no answer within the deadline; the callee may still have acted) or
   * `InternalError` (the callee failed unexpectedly).
   */
  send<Req, Res>(entry: RequestEntry<Req, Res>, request: Req, options?: CallOptions): Promise<Res> {
    if (entry?.kind !== 'request') return Promise.reject(new TypeError('send() takes a request entry of a contract'));
    const parent = options?.parent ?? (this.router.propagation ? currentCallContext() : undefined);
    const policy = this.router.callPolicy;
    const asked = options?.timeoutMs ?? policy?.deadlineFor(entry.module) ?? this.router.defaultDeadlineMs;
    // Within a day (MAX_BUDGET_MS): what a wire carries, and what a timer can wait for.
    const own = Math.min(asked, MAX_BUDGET_MS);
    // A nested call gets what is left of its parent's budget, never more.
    const budget = parent ? Math.min(own, parent.remainingMs()) : own;
    if (!(budget > 0)) {
      return Promise.reject(
        new DeadlineExceededError(`No time left to call "${entry.pattern}"`, { pattern: entry.pattern }),
      );
    }
    if (!policy) return this.attempt(entry, request, parent, budget);
    return policy.execute(entry, performance.now() + budget, (timeoutMs) =>
      this.attempt(entry, request, parent, timeoutMs),
    );
  }

  /** One attempt of a call, with `budget` ms. */
  private attempt<Req, Res>(
    entry: RequestEntry<Req, Res>,
    request: Req,
    parent: CallContext | undefined,
    budget: number,
  ): Promise<Res> {
    if (!(budget > 0)) {
      return Promise.reject(
        new DeadlineExceededError(`No time left to call "${entry.pattern}"`, { pattern: entry.pattern }),
      );
    }
    const packet = new OutgoingRequest(
      entry.pattern,
      request,
      CallContext.outgoing(parent, this.caller, budget),
      entry.module,
    );
    const transport = this.router.clientFor(entry.module);
    let meter: CallMeter | undefined = this.meters.call(entry, transport);
    const tracer = seamTracer();
    if (tracer) {
      const labels = {
        caller: this.caller,
        callee: entry.module,
        entry: entry.pattern,
        transport: transportKindOf(transport),
      };
      meter = withSpan(meter, tracer.clientCall(labels, packet.metadata.traceparent, parent));
    }
    return new Promise<Res>((resolve, reject) =>
      new OutgoingCall(packet, budget, this.router.deadlines, resolve as (value: unknown) => void, reject, meter).start(
        transport,
      ),
    );
  }

  /** Every module this process can reach (hosted here or configured with an endpoint), sorted. */
  reachableModules(): string[] {
    return this.router.modules();
  }

  /**
   * Publishes an integration event to every module that subscribes to it, wherever it runs:
   * the in-process bus, and only the endpoints of the modules `entry.subscribers` names.
   * Resolves once every transport has taken the event, not when it has been handled;
   * at most once (reliable delivery is the outbox's job). Rejects with `ValidationError` when
   * the payload cannot be encoded or is too large, `UnavailableError` when a broker is down.
   */
  async emit<P>(entry: EventEntry<P>, payload: P, options: EmitOptions = {}): Promise<void> {
    if (entry?.kind !== 'event') throw new TypeError('emit() takes an event entry of a contract');
    const parent = options.parent ?? (this.router.propagation ? currentCallContext() : undefined);
    const metadata = CallContext.outgoing(parent, this.caller, this.router.defaultDeadlineMs);
    const packet = { pattern: entry.pattern, data: payload, metadata };
    const targets = this.router.eventTargets(entry);
    // One span per event, whatever number of transports carry it: they all carry its one
    // traceparent. Its transport is the last target's: a remote one when there is any.
    const span = seamTracer()?.publish(
      { caller: this.caller, callee: entry.module, entry: entry.pattern, transport: transportKindOf(targets.at(-1)!) },
      metadata.traceparent,
      parent,
    );
    try {
      await Promise.all(targets.map((target) => this.publish(entry, target, packet)));
      span?.settled('ok');
    } catch (error) {
      const failure = errorFromWire(error);
      span?.settled(failure.code);
      throw failure;
    }
  }

  /** Publishes through one transport, counted and timed per target transport. */
  private async publish(entry: EventEntry, target: SeamTransportClient, packet: OutgoingPacket): Promise<void> {
    const meter = this.meters.event(entry, target);
    const startedAt = performance.now();
    try {
      await target.publishEvent(packet);
      meter.settled('ok', (performance.now() - startedAt) / 1000);
    } catch (error) {
      meter.settled(errorFromWire(error).code, (performance.now() - startedAt) / 1000);
      throw error;
    }
  }
}
