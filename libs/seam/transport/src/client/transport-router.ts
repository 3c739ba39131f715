import type { OnApplicationShutdown } from '@nestjs/common';
import { type Endpoint, endpointKey } from '../module/endpoint.js';
import type { ResolvedSeamOptions } from '../module/seam-options.js';
import { createTransportClient } from '../transports/create-transport.js';
import type { CallPolicy } from './call-policy.js';
import { DeadlineScheduler } from './deadline-scheduler.js';
import type { SeamTransportClient } from '../transports/transport-client.js';

const IN_PROCESS: Endpoint = { transport: 'in-process' };

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
  private targets?: SeamTransportClient[];
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
   * Where an event emitted in this process must go so that every subscribing module gets it:
   * the in-process bus, each broker any module listens on, and the TCP endpoint of each module
   * running elsewhere (TCP is point to point; a server ignores events nobody subscribes to).
   */
  eventTargets(): SeamTransportClient[] {
    if (!this.targets) {
      const endpoints = new Map<string, Endpoint>([['in-process', IN_PROCESS]]);
      for (const [module, endpoint] of Object.entries(this.options.endpoints)) {
        const ownTcpServer = endpoint.transport === 'tcp' && this.hosted.has(module);
        if (!ownTcpServer) endpoints.set(endpointKey(endpoint), endpoint);
      }
      this.targets = [...endpoints.values()].map((endpoint) => this.client(endpoint));
    }
    return this.targets;
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
    this.targets = undefined;
    await Promise.allSettled(clients.map((client) => client.close()));
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
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
