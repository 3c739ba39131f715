import type { EventEntry, RequestEntry } from '../contracts/contract.types.js';
import type { SeamTransportClient } from '../transports/transport-client.js';

/**
 * What one kind of seam call or event is, for its measurements. Every value is bounded: module
 * names, a contract's pattern (calls only ever take contract entries) and a transport kind — never
 * an id, so a metric labelled with these cannot grow without bound.
 */
export interface CallLabels {
  /** The module making the call or emitting the event (`edge` for the HTTP edge). */
  readonly caller: string;
  /** The module that answers the call; for an event, the module whose contract declares it. */
  readonly callee: string;
  /** The contract entry's pattern. */
  readonly entry: string;
  /** How it travelled: `in-process`, `tcp` or `redis`. */
  readonly transport: TransportKind;
}

/** The kinds of transport a call can travel over (a metric label, so a closed set). */
export type TransportKind = 'in-process' | 'tcp' | 'redis';

/**
 * Records how calls of one {@link CallLabels} ended. Called once per attempt, on the caller's hot
 * path, so an implementation keeps it to a lookup and an increment.
 */
export interface CallMeter {
  /** @param outcome `ok`, or the `SeamError` code it failed with @param seconds time from send to settle */
  settled(outcome: string, seconds: number): void;
}

/**
 * Where a process's seam measurements go (`@seam/runtime` installs a Prometheus one). The
 * transport library only calls this interface — it depends on no metrics library, and it cannot
 * import the runtime, which builds on it.
 */
export interface SeamMeters {
  /** The meter of requests with these labels (asked once per kind of call, then cached by the client). */
  call(labels: CallLabels): CallMeter;
  /** The meter of event publications with these labels (once per event pattern and target transport). */
  event(labels: CallLabels): CallMeter;
}

const NO_METER: CallMeter = { settled: () => undefined };
let installed: SeamMeters | undefined;

/**
 * Installs the process's meters (process-wide, like the registry it feeds: every `SeamClient`
 * records into it, whichever app built it); `undefined` stops recording.
 */
export function installSeamMeters(meters: SeamMeters | undefined): void {
  installed = meters;
}

/** The transport kind of a transport client, from its endpoint name (`tcp://…`, `redis-…`, `in-process`). */
export function transportKindOf(client: SeamTransportClient): TransportKind {
  const { endpoint } = client;
  if (endpoint.startsWith('tcp')) return 'tcp';
  return endpoint.startsWith('redis') ? 'redis' : 'in-process';
}

/** A cached meter and what it was made for: it is made again if the route or the meters change. */
interface CachedMeter {
  callee: string;
  transport: SeamTransportClient;
  meters: SeamMeters;
  meter: CallMeter;
}

/**
 * The meters of one caller. A request's meter is cached per entry's pattern (a module is reached
 * through one transport client), so a warm call costs one map lookup — never a label lookup in
 * the metrics library. Keyed by the pattern, not the entry object: a caller that builds its entry
 * per call (as the relays' reserved `$deliver` entries once were) would otherwise add a cache
 * entry per call, without end. Events, far rarer and sent to several transports, ask the
 * installed meters.
 */
export class CallerMeters {
  private readonly calls = new Map<string, CachedMeter>();

  constructor(private readonly caller: string) {}

  /**
   * The meter of `entry` sent through `transport`, or `undefined` when no meters are installed
   * (the call then does not even read the clock to time itself).
   */
  call(entry: RequestEntry, transport: SeamTransportClient): CallMeter | undefined {
    if (!installed) return undefined;
    const cached = this.calls.get(entry.pattern);
    if (cached && cached.transport === transport && cached.meters === installed && cached.callee === entry.module)
      return cached.meter;
    const meter = installed.call(this.labels(entry, transport));
    this.calls.set(entry.pattern, { callee: entry.module, transport, meters: installed, meter });
    return meter;
  }

  /** The meter of `entry` (an event) published through `transport`. */
  event(entry: EventEntry, transport: SeamTransportClient): CallMeter {
    return installed ? installed.event(this.labels(entry, transport)) : NO_METER;
  }

  private labels(entry: RequestEntry | EventEntry, transport: SeamTransportClient): CallLabels {
    return { caller: this.caller, callee: entry.module, entry: entry.pattern, transport: transportKindOf(transport) };
  }
}
