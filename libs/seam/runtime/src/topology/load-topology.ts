import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { duplicateKeys } from './duplicate-keys.js';
import { parseTopology } from './parse-topology.js';
import { type Topology, TopologyError } from './topology.js';

/** The topology used when `SEAM_TOPOLOGY` is not set: everything in one process. */
export const DEFAULT_TOPOLOGY = 'monolith';
/** The topology file read when `SEAM_TOPOLOGY_FILE` is not set, relative to the working directory. */
export const DEFAULT_TOPOLOGY_FILE = 'topologies.json';

/**
 * Loads the topology named by `SEAM_TOPOLOGY` (default `monolith`) from the file named by
 * `SEAM_TOPOLOGY_FILE` (default `./topologies.json`), with the environment's address overrides.
 *
 * @throws TopologyError naming the file and every problem found.
 */
export function loadTopology(env: NodeJS.ProcessEnv = process.env): Topology {
  const name = env.SEAM_TOPOLOGY?.trim() || DEFAULT_TOPOLOGY;
  const file = resolve(env.SEAM_TOPOLOGY_FILE?.trim() || DEFAULT_TOPOLOGY_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TopologyError(file, [
      `cannot read the topology file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (set SEAM_TOPOLOGY_FILE to its path)`,
    ]);
  }
  // Editors on some systems save a byte order mark, which JSON.parse refuses as an unexpected token.
  text = text.replace(/^\uFEFF/, '');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new TopologyError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0)
    throw new TopologyError(
      file,
      duplicates.map((path) => `"${path}" is written twice, and JSON keeps only the last: rename or remove one`),
    );
  return parseTopology(document, name, env, file);
}
