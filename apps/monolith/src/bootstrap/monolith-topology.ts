import {
  bindHostedOn,
  loadTopology,
  meshAuthFromEnv,
  meshSelf,
  type Topology,
  transportOptionsFor,
  transportSecurityFromEnv,
} from '@seam/runtime';
import type { AppOptions } from '../app.module.js';
import { LOCAL_MODULES, type LocalModule } from '../modules.js';

/** The monolith's part of the topology chosen by `SEAM_TOPOLOGY`. */
export interface MonolithPlan extends AppOptions {
  topology: Topology;
}

/**
 * Reads the topology and works out what this monolith process hosts.
 *
 * @throws TopologyError for a bad topology; Error when the topology file's module list is not
 *   the list of modules this binary carries (a module added to one and not the other).
 */
export function planMonolith(
  env: NodeJS.ProcessEnv = process.env,
  modules: readonly LocalModule[] = LOCAL_MODULES,
): MonolithPlan {
  const topology = loadTopology(env);
  const carried = modules.map(({ name }) => name);
  const missing = topology.modules.filter((name) => !carried.includes(name));
  const unlisted = carried.filter((name) => !topology.modules.includes(name));
  if (missing.length > 0 || unlisted.length > 0) {
    throw new Error(
      'The topology file and this binary disagree on the modules: ' +
        [
          missing.length > 0 ? `the file lists ${missing.join(', ')}, which this binary does not carry` : '',
          unlisted.length > 0 ? `this binary carries ${unlisted.join(', ')}, which the file does not list` : '',
        ]
          .filter(Boolean)
          .join('; '),
    );
  }
  const role = { kind: 'monolith' } as const;
  const placed = transportOptionsFor(topology, role);
  const auth = meshAuthFromEnv(env, { ...placed, speaksAs: meshSelf(topology, role) });
  const options = { ...placed, ...transportSecurityFromEnv(env), ...auth };
  const transport = bindHostedOn(options, env.SEAM_LISTEN_HOST);
  return { topology, transport, modules: modules.filter(({ name }) => topology.monolith.modules.includes(name)) };
}
