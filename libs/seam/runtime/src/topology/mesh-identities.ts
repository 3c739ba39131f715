import { EDGE } from '@seam/transport';
import { hostedBy } from './process-options.js';
import type { ProcessRole, Topology } from './topology.js';

/**
 * The callers that run in the monolith process besides its modules: the HTTP edge, and the demo
 * seed that fills an empty system at start-up. Each speaks under its own name (contracts admit
 * them by it), so each holds its own pair keys.
 */
export const MONOLITH_CALLERS: readonly string[] = [EDGE, 'seed'];

/** Every identity of the system that can sign an envelope: its modules and the monolith's callers. */
export function meshIdentities(topology: Topology): string[] {
  return [...topology.modules, ...MONOLITH_CALLERS];
}

/** The identities a process of the topology speaks as: its hosted modules (and the monolith's callers). */
export function meshSelf(topology: Topology, role: ProcessRole): string[] {
  const hosted = hostedBy(topology, role);
  return role.kind === 'monolith' ? [...hosted, ...MONOLITH_CALLERS] : hosted;
}
