import type { OnApplicationShutdown } from '@nestjs/common';
import { ANY_CALLER, type EventEntry } from '../contracts/contract.types.js';
import { type Endpoint, endpointKey } from '../module/endpoint.js';
import type { ResolvedSeamOptions } from '../module/seam-options.js';
import { createTransportClient } from '../transports/create-transport.js';
import type { CallPolicy } from './call-policy.js';
import { DeadlineScheduler } from './deadline-scheduler.js';
import type { SeamTransportClient } from '../transports/transport-client.js';

const IN_PROCESS: Endpoint = { transport: 'in-process' };

/** What routing an event needs of its contract entry. */
type EventRoute = Pick<EventEntry, 'pattern' | 'subscribers'>;

/** The targets of one event pattern, and the subscriber list they were computed from. */
interface CachedRoute {
  subscribers: readonly string[];
  targets: SeamTransportClient[];
}

/**
 * Picks the transport for each call from configuration: hosted modules in-process, the others
 * through their endpoint. Clients are created on first use and shared by every module calling
 * the same endpoint. This is the only place that knows where a module runs.
 */
export class TransportRouter implements OnApplicationShutdown {
  /** Deadlines of every call made through this router. */
  readonly deadlines = new DeadlineScheduler();
  private readonly clients = new Map<string, SeamTransportClient>();
  private readonly byModule = new Map<string, SeamTransportClient>();
  private readonly hosted: ReadonlySet<string>;
  private readonly routes = new Map<string, CachedRoute>();
  private policy?: CallPolicy;

  constructor(private readonly options: ResolvedSeamOptions) {
    this.hosted = new Set(options.hosted);
  }

  /** The default deadline of a call, in ms. */
  get defaultDeadlineMs(): number {
    return this.options.deadlineMs;
  }

  /** Whether call contexts propagate implicitly (AsyncLocalStorage) to nested calls. */
  get propagation(): boolean {
    return this.options.propagation;
  }

  /** The call policy every `SeamClient.send` of this process goes through (see {@link CallPolicy}). */
  useCallPolicy(policy: CallPolicy | undefined): void {
    this.policy = policy;
  }

  /** The installed call policy, if any. */
  get callPolicy(): CallPolicy | undefined {
    return this.policy;
  }

  /** The transport client that reaches `module`. */
  clientFor(module: string): SeamTransportClient {
    let client = this.byModule.get(module);
    if (!client) {
      const endpoint = this.hosted.has(module) ? IN_PROCESS : (this.options.endpoints[module] ?? IN_PROCESS);
      client = this.client(endpoint);
      this.byModule.set(module, client);
    }
    return client;
  }

  /**
   * Where an event emitted in this process must go so that every module its contract names as
   * subscriber gets it: the in-process bus, and the endpoint of each named module — a broker it
   * listens on (even when hosted here: broker-fed modules take events from the broker), or its TCP
   * server when it runs elsewhere (TCP is point to point). `[ANY_CALLER]` names every module.
   * An endpoint hosting no named subscriber gets nothing: its server would only parse and drop it.
   * Computed once per pattern (again if the same pattern comes with another subscriber list).
   */
  eventTargets(event: EventRoute): SeamTransportClient[] {
    const cached = this.routes.get(event.pattern);
    if (cached && sameList(cached.subscribers, event.subscribers)) return cached.targets;
    const targets = this.routeEvent(event.subscribers);
    this.routes.set(event.pattern, { subscribers: event.subscribers, targets });
    return targets;
  }

  /** The modules this process hosts (serves its handlers of), sorted. */
  hostedModules(): string[] {
    return [...this.hosted].toSorted();
  }

  /** Every module this process can reach: those it hosts and those it has an endpoint for. */
  modules(): string[] {
    return [...new Set([...this.hosted, ...Object.keys(this.options.endpoints)])].toSorted();
  }

  /** Requests in flight through every transport (0 when nothing is left pending). */
  pendingCount(): number {
    let count = 0;
    for (const client of this.clients.values()) count += client.pendingCount;
    return count;
  }

  /** Closes every client; pending calls fail with Unavailable. */
  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    this.byModule.clear();
    this.routes.clear();
    await Promise.allSettled(clients.map((client) => client.close()));
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private routeEvent(subscribers: readonly string[]): SeamTransportClient[] {
    const everyone = subscribers.includes(ANY_CALLER);
    // The in-process bus is always a target: it may be shared with other apps of this process
    // (tests, the harness) whose hosted modules this router does not know, and its copy is what
    // refuses a payload that cannot be encoded even when no endpoint is a target.
    const endpoints = new Map<string, Endpoint>([['in-process', IN_PROCESS]]);
    for (const [module, endpoint] of Object.entries(this.options.endpoints)) {
      if (!everyone && !subscribers.includes(module)) continue;
      const ownTcpServer = endpoint.transport === 'tcp' && this.hosted.has(module);
      if (!ownTcpServer) endpoints.set(endpointKey(endpoint), endpoint);
    }
    return [...endpoints.values()].map((endpoint) => this.client(endpoint));
  }

  private client(endpoint: Endpoint): SeamTransportClient {
    const key = endpointKey(endpoint);
    let client = this.clients.get(key);
    if (!client) {
      client = createTransportClient(endpoint, this.options);
      this.clients.set(key, client);
    }
    return client;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((name, index) => name === b[index]));
}
