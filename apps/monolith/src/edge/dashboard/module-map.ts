import * as catalog from '@contracts/catalog';
import * as identity from '@contracts/identity';
import * as inventory from '@contracts/inventory';
import * as orders from '@contracts/orders';
import * as payments from '@contracts/payments';
import type { ContractEntry } from '@seam/transport';
import { type Topology, urlHost } from '@seam/runtime';

/** The contract packages the map is drawn from: every module this binary carries (see `modules.ts`). */
const CONTRACT_PACKAGES: readonly Record<string, unknown>[] = [identity, catalog, inventory, payments, orders];

/** An entry of a contract as the page shows it. */
export interface MapEntry {
  readonly module: string;
  readonly pattern: string;
  readonly kind: 'request' | 'event';
  /** Who may call it (a request) or subscribe to it (an event); `*` is anyone. */
  readonly allowed: readonly string[];
}

/** Where a module runs, as the topology places it. */
export interface MapModule {
  readonly name: string;
  /** `edge` (this process), `service` (its own deployable) or `monolith` (another monolith process). */
  readonly runs: 'edge' | 'service' | 'monolith';
  /** How many copies the topology asks for. */
  readonly replicas: number;
  /** Where the others reach it, when it is reachable over a wire. */
  readonly address?: string;
  /** Where its `/metrics` is scraped from, when the topology gives it a fixed HTTP port. */
  readonly metricsUrl?: string;
}

const isEntry = (value: unknown): value is ContractEntry =>
  typeof value === 'object' &&
  value !== null &&
  ((value as ContractEntry).kind === 'request' || (value as ContractEntry).kind === 'event') &&
  typeof (value as ContractEntry).pattern === 'string';

/** Every entry of every contract, read from the contract objects themselves (never a hand-kept list). */
export function contractEntries(packages: readonly Record<string, unknown>[] = CONTRACT_PACKAGES): MapEntry[] {
  const entries = new Map<string, MapEntry>();
  for (const exported of packages.flatMap((pkg) => Object.values(pkg)))
    if (typeof exported === 'object' && exported !== null)
      for (const entry of Object.values(exported).filter(isEntry))
        entries.set(entry.pattern, {
          module: entry.module,
          pattern: entry.pattern,
          kind: entry.kind,
          allowed: entry.kind === 'request' ? entry.callers : entry.subscribers,
        });
  return [...entries.values()];
}

/** Where each module of `topology` runs, seen from the edge. */
export function modulePlacements(
  topology: Topology,
  describeAddress: (module: string) => string | undefined,
): MapModule[] {
  return topology.modules.map((name) => {
    const service = topology.services.find((placement) => placement.module === name);
    const address = describeAddress(name);
    if (!service)
      return {
        name,
        runs: topology.monolith.modules.includes(name) ? 'edge' : 'monolith',
        replicas: 1,
        ...(address ? { address } : {}),
      };
    const host = service.address.transport === 'tcp' ? service.address.host : '127.0.0.1';
    return {
      name,
      runs: 'service',
      replicas: service.replicas,
      ...(address ? { address } : {}),
      ...(service.httpPort ? { metricsUrl: `http://${urlHost(host)}:${service.httpPort}/metrics` } : {}),
    };
  });
}
