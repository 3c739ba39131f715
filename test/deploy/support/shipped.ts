import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTopology, type Topology } from '@seam/runtime';

/** The repository's root folder. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The topology file the repository ships. */
export const TOPOLOGY_FILE = join(REPOSITORY_ROOT, 'topologies.json');

/** A file of the repository, as text. */
export const repositoryFile = (path: string): string => readFileSync(join(REPOSITORY_ROOT, path), 'utf8');

/**
 * The modules topologies.json lists, in its order: the shop's five, and any module added since
 * (`npm run add:module`), so that what a test expects of every module holds for a new one too.
 */
export const shippedModules = (): string[] =>
  (JSON.parse(repositoryFile('topologies.json')) as { modules: string[] }).modules;

/** The modules one shipped topology runs in the monolith, in file order. */
export const monolithModules = (topology: string): string[] =>
  Object.entries(
    (JSON.parse(repositoryFile('topologies.json')) as { topologies: Record<string, { modules: object }> }).topologies[
      topology
    ]!.modules,
  )
    .filter(([, placement]) => placement === 'monolith')
    .map(([module]) => module);

/** The names of the shipped topologies, in file order. */
export const shippedTopologyNames = (): string[] =>
  Object.keys((JSON.parse(repositoryFile('topologies.json')) as { topologies: object }).topologies);

/** A shipped topology as a process would load it, without address overrides. */
export const shippedTopology = (name: string): Topology =>
  loadTopology({ SEAM_TOPOLOGY: name, SEAM_TOPOLOGY_FILE: TOPOLOGY_FILE });
