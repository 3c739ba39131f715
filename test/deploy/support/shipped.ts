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

/** The names of the shipped topologies, in file order. */
export const shippedTopologyNames = (): string[] =>
  Object.keys((JSON.parse(repositoryFile('topologies.json')) as { topologies: object }).topologies);

/** A shipped topology as a process would load it, without address overrides. */
export const shippedTopology = (name: string): Topology =>
  loadTopology({ SEAM_TOPOLOGY: name, SEAM_TOPOLOGY_FILE: TOPOLOGY_FILE });
