// `npm run mesh:keys:compose [-- <topology>]`: see compose-mesh-keys.ts and deploy/compose.yaml.
import { statSync } from 'node:fs';
import {
  COMPOSE_DEFAULT_TOPOLOGY,
  COMPOSE_MESH_KEYS_DIR,
  ComposeMeshKeysError,
  writeComposeMeshKeys,
} from './compose-mesh-keys.js';
import { writeComposeRedisUsers } from './compose-redis-users.js';

/** The user deploy/Dockerfile runs as (`USER 1000:1000`). */
const IMAGE_UID = 1000;

const [topology = COMPOSE_DEFAULT_TOPOLOGY, ...rest] = process.argv.slice(2);
if (rest.length > 0 || topology.startsWith('-')) {
  process.stderr.write('Usage: npm run mesh:keys:compose [-- <topology>]   (default split-tcp)\n');
  process.exitCode = 2;
} else {
  try {
    const { master, files } = writeComposeMeshKeys({
      dir: COMPOSE_MESH_KEYS_DIR,
      topology,
      cwd: process.cwd(),
      env: process.env,
    });
    process.stdout.write(
      `${master === 'created' ? 'Made a new master' : 'Kept the master'} in ${COMPOSE_MESH_KEYS_DIR}/master (keep it out of the containers);\n` +
        `wrote ${files.length} keys files (0600) for topology ${topology}: ${files.map((file) => file.split('/').at(-1)).join(', ')}\n`,
    );
    const redis = writeComposeRedisUsers({
      dir: COMPOSE_MESH_KEYS_DIR,
      topology,
      cwd: process.cwd(),
      env: process.env,
    });
    if (redis.aclFile)
      process.stdout.write(
        `Redis: a user per process (${redis.processes.join(', ')}); passwords in ${COMPOSE_MESH_KEYS_DIR}/<process>.redis-password (0600, kept), ` +
          `rules in ${COMPOSE_MESH_KEYS_DIR}/redis-users.acl (hashes only, default user off)\n`,
      );
    // Compose bind-mounts a file secret with its owner and mode: 0600 files must be the image user's.
    const owner = statSync(files[0]!).uid;
    if (owner !== IMAGE_UID)
      process.stdout.write(
        `The image runs as uid ${IMAGE_UID} and these files belong to uid ${owner}: on Linux, \`sudo chown ${IMAGE_UID} ${COMPOSE_MESH_KEYS_DIR}/*.json${redis.aclFile ? ` ${COMPOSE_MESH_KEYS_DIR}/*.redis-password` : ''}\` before \`docker compose up\`.\n`,
      );
  } catch (error) {
    if (!(error instanceof ComposeMeshKeysError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  }
}
