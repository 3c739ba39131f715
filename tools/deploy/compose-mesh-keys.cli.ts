import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  COMPOSE_DEFAULT_TOPOLOGY,
  COMPOSE_DIR,
  COMPOSE_MESH_KEYS_DIR,
  ComposeMeshKeysError,
  composeTopologies,
  writeComposeMeshKeys,
} from './compose-mesh-keys.js';
import { composeRedisUsersOf, writeComposeRedisUsers } from './compose-redis-users.js';

/** Exit status of a bad command line, topology or master. */
export const USAGE_ERROR = 2;
/** The user deploy/Dockerfile runs as (`USER 1000:1000`). */
const IMAGE_UID = 1000;

/** Where the CLI reads and writes; a test hands in its own. */
export interface ComposeMeshKeysIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The repository: base of `dir` and of `SEAM_TOPOLOGY_FILE`, and where the contracts are read. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The keys folder (default {@link COMPOSE_MESH_KEYS_DIR}, where the Compose files look). */
  readonly dir?: string;
}

/** A topology no compose file runs would get keys no container mounts, over those one does. */
function refuseWithoutComposeFile(topology: string, composeDir: string): void {
  const topologies = composeTopologies(composeDir);
  if (topologies.has(topology)) return;
  const known = [...topologies].map(([name, files]) => `${name} (${files.join(', ')})`).join(', ');
  throw new ComposeMeshKeysError(
    `mesh:keys:compose: no compose file in ${COMPOSE_DIR}/ runs topology ${JSON.stringify(topology.slice(0, 64))}; these do: ${known || 'none'}`,
  );
}

/**
 * Runs `mesh:keys:compose [<topology>]`: the mesh keys (`writeComposeMeshKeys`), then the Redis
 * users (`writeComposeRedisUsers`) of a topology for Docker Compose — one that a compose file in
 * `deploy/` runs (`composeTopologies`). The topology is checked for both before anything is
 * written, so a refused one leaves no keys behind.
 *
 * @returns 0 when the files were written, {@link USAGE_ERROR} for stray arguments, or a topology
 *   or master it refuses (one line on stderr, never a secret).
 */
export function runComposeMeshKeys(args: readonly string[], io: ComposeMeshKeysIo): number {
  const [topology = COMPOSE_DEFAULT_TOPOLOGY, ...rest] = args;
  if (rest.length > 0 || topology.startsWith('-')) {
    io.stderr('Usage: npm run mesh:keys:compose [-- <topology>]   (default split-tcp)\n');
    return USAGE_ERROR;
  }
  const dir = io.dir ?? COMPOSE_MESH_KEYS_DIR;
  const { cwd, env } = io;
  try {
    refuseWithoutComposeFile(topology, resolve(cwd, COMPOSE_DIR));
    const users = composeRedisUsersOf({ topology, cwd, env });
    const { master, files } = writeComposeMeshKeys({ dir, topology, cwd, env });
    io.stdout(
      `${master === 'created' ? 'Made a new master' : 'Kept the master'} in ${dir}/master (keep it out of the containers);\n` +
        `wrote ${files.length} keys files (0600) for topology ${topology}: ${files.map((file) => file.split('/').at(-1)).join(', ')}\n`,
    );
    const redis = writeComposeRedisUsers({ dir, topology, cwd, env, users });
    if (redis.aclFile)
      io.stdout(
        `Redis: a user per process (${redis.processes.join(', ')}); passwords in ${dir}/<process>.redis-password (0600, kept), ` +
          `rules in ${dir}/redis-users.acl (hashes only, default user off)\n`,
      );
    // Compose bind-mounts a file secret with its owner and mode: 0600 files must be the image user's.
    const owner = statSync(files[0]!).uid;
    if (owner !== IMAGE_UID)
      io.stdout(
        `The image runs as uid ${IMAGE_UID} and these files belong to uid ${owner}: on Linux, \`sudo chown ${IMAGE_UID} ${dir}/*.json${redis.aclFile ? ` ${dir}/*.redis-password` : ''}\` before \`docker compose up\`.\n`,
      );
    return 0;
  } catch (error) {
    if (!(error instanceof ComposeMeshKeysError)) throw error;
    io.stderr(`${error.message}\n`);
    return USAGE_ERROR;
  }
}
