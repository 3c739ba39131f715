import type { Endpoint } from '@seam/transport';

/** One module deployed on its own: `apps/<module>-service`. */
export interface ServicePlacement {
  readonly module: string;
  /** Where the other processes reach it (and where it listens). */
  readonly address: Endpoint;
  /** How many copies run (more than one needs a load-balanced `redis://` address). */
  readonly replicas: number;
  /** The port of its small HTTP server (`/health`, `/metrics`); 0 = any free port. */
  readonly httpPort: number;
}

/** Where every module of the system runs, as one named topology of the topology file says. */
export interface Topology {
  readonly name: string;
  readonly description: string;
  /** Every module of the system, in the topology file's order. */
  readonly modules: readonly string[];
  /** What the monolith (the HTTP edge) hosts, and where services reach those modules. */
  readonly monolith: { readonly modules: readonly string[]; readonly address?: Endpoint };
  /** The modules that run as their own services. */
  readonly services: readonly ServicePlacement[];
}

/** A process of a topology: the monolith, or one module's service. */
export type ProcessRole = { kind: 'monolith' } | { kind: 'service'; module: string };

/** Thrown when a topology cannot be used; `problems` lists every reason found, not only the first. */
export class TopologyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid topology (${source}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'TopologyError';
  }
}
