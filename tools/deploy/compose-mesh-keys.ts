import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTopology, TopologyError } from '@seam/runtime';
import { parse } from 'yaml';
import { runMeshKeys } from '../mesh-keys/mesh-keys.cli.js';
import { writePrivate } from '../mesh-keys/private-file.js';

/** Where the Compose files expect the keys, from the repository root. */
export const COMPOSE_MESH_KEYS_DIR = 'deploy/mesh-keys';
/** The topology the keys are derived for when none is given: compose.yaml's. */
export const COMPOSE_DEFAULT_TOPOLOGY = 'split-tcp';
/** Where the compose files are, from the repository root. */
export const COMPOSE_DIR = 'deploy';

/**
 * The topologies the compose files in `dir` run — the `SEAM_TOPOLOGY` of their services — each
 * with the files that name it (`split-redis` → `compose.split-redis.yaml`). Read from the files,
 * so that a compose file added for another topology needs no edit here.
 */
export function composeTopologies(dir: string): Map<string, string[]> {
  const topologies = new Map<string, string[]>();
  const files = readdirSync(dir)
    .filter((name) => /^compose(\.[\w-]+)?\.ya?ml$/.test(name))
    .toSorted();
  for (const file of files) {
    const { services = {} } = (parse(readFileSync(join(dir, file), 'utf8'), { merge: true }) ?? {}) as {
      services?: Record<string, { environment?: Record<string, unknown> } | null>;
    };
    for (const service of Object.values(services)) {
      const topology = service?.environment?.SEAM_TOPOLOGY;
      if (typeof topology !== 'string') continue;
      const named = topologies.get(topology) ?? [];
      if (!named.includes(file)) topologies.set(topology, [...named, file]);
    }
  }
  return topologies;
}

/** What {@link writeComposeMeshKeys} needs. */
export interface ComposeMeshKeysOptions {
  /** The folder to write (created 0700); relative to `cwd`. */
  readonly dir: string;
  /** The topology whose processes get keys. */
  readonly topology: string;
  /** Base of `dir` and of `SEAM_TOPOLOGY_FILE`. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** What was written: the processes' files, and whether the master was made now or kept. */
export interface ComposeMeshKeys {
  readonly master: 'created' | 'kept';
  /** `<process>.json` per process of the topology: `monolith` and one per service module. */
  readonly files: readonly string[];
}

/** The keys could not be derived (bad topology or master): the message is mesh:keys' own, never a key. */
export class ComposeMeshKeysError extends Error {
  override readonly name = 'ComposeMeshKeysError';
}

/**
 * Writes the mesh keys of every process of a topology for Docker Compose: `<dir>/<process>.json`
 * (the document `SEAM_MESH_KEYS_FILE` names), each 0600, derived by `npm run mesh:keys` from the
 * master in `<dir>/master` — made on the first run, then kept, so that running it again (say,
 * after a module is added) gives every process the same pair keys as before. Files are written
 * to a temporary name and renamed, so a file is never readable with looser permissions or half
 * written.
 *
 * @throws ComposeMeshKeysError for a topology or master that mesh:keys refuses, or a topology of
 *   one process (no pair, no key; writing would empty the `monolith.json` of another topology).
 */
export function writeComposeMeshKeys({ dir, topology, cwd, env }: ComposeMeshKeysOptions): ComposeMeshKeys {
  const topologyEnv = {
    ...env,
    SEAM_TOPOLOGY: topology,
    ...(env.SEAM_TOPOLOGY_FILE && { SEAM_TOPOLOGY_FILE: resolve(cwd, env.SEAM_TOPOLOGY_FILE) }),
  };
  let processes: string[];
  try {
    processes = ['monolith', ...loadTopology(topologyEnv).services.map(({ module }) => module)];
  } catch (error) {
    if (!(error instanceof TopologyError)) throw error;
    throw new ComposeMeshKeysError(`mesh:keys:compose: ${error.message}`);
  }
  // Its monolith.json would hold no key and replace the one a split topology's edge needs.
  if (processes.length === 1)
    throw new ComposeMeshKeysError(
      `mesh:keys:compose: topology "${topology}" runs one process, which sends no envelope to another: it needs no mesh keys`,
    );
  // Only a topology that loads gets a folder and a master.
  const folder = resolve(cwd, dir);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  const masterFile = join(folder, 'master');
  const created = !existsSync(masterFile);
  if (created) writePrivate(masterFile, meshKeys(['--new-master'], cwd, env));
  const files = processes.map((name) => {
    const file = join(folder, `${name}.json`);
    writePrivate(file, meshKeys(['--master-file', masterFile, '--process', name, '--topology', topology], cwd, env));
    return file;
  });
  return { master: created ? 'created' : 'kept', files };
}

function meshKeys(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  let stdout = '';
  let stderr = '';
  const status = runMeshKeys(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd,
    env,
  });
  if (status !== 0) throw new ComposeMeshKeysError(stderr.split('\n\n')[0]!.trim());
  return stdout;
}
