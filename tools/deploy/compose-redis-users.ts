import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTopology, type Topology, TopologyError } from '@seam/runtime';
import { writePrivate } from '../mesh-keys/private-file.js';
import { ComposeMeshKeysError } from './compose-mesh-keys.js';
import { contractAccess } from './contract-access.js';
import { redisAclFile, type RedisProcessUser, redisUsersOf } from './redis-users.js';

/** The ACL file compose.split-redis.yaml hands redis-server, in the keys folder. */
export const COMPOSE_REDIS_ACL_FILE = 'redis-users.acl';
/** The password file of one process, in the keys folder. */
export const composeRedisPasswordFile = (process: string) => `${process}.redis-password`;

/** What {@link writeComposeRedisUsers} wrote. */
export interface ComposeRedisUsers {
  /** The processes that got a user (none when the topology does not talk through Redis). */
  readonly processes: readonly string[];
  /** The ACL file, or undefined when no process has a user. */
  readonly aclFile?: string;
}

/** Where a topology's Redis users are worked out from. */
export interface ComposeRedisUsersSource {
  readonly topology: string;
  /** Base of `SEAM_TOPOLOGY_FILE`, and the repository whose contracts say who may call whom. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The Redis users of a topology's processes (`redisUsersOf`), none when no process talks through
 * Redis. Writes nothing: `mesh:keys:compose` asks first, so that a topology it cannot serve
 * leaves no keys behind.
 *
 * @throws ComposeMeshKeysError (one line) for a topology that does not load, or that reaches a
 *   module over `redis-pubsub://`, whose channels no Redis user here covers.
 */
export function composeRedisUsersOf({ topology, cwd, env }: ComposeRedisUsersSource): RedisProcessUser[] {
  let loaded: Topology;
  try {
    loaded = loadTopology({
      ...env,
      SEAM_TOPOLOGY: topology,
      ...(env.SEAM_TOPOLOGY_FILE && { SEAM_TOPOLOGY_FILE: resolve(cwd, env.SEAM_TOPOLOGY_FILE) }),
    });
  } catch (error) {
    if (!(error instanceof TopologyError)) throw error;
    throw new ComposeMeshKeysError(`mesh:keys:compose: ${error.message}`, { cause: error });
  }
  const access = contractAccess(cwd);
  try {
    return redisUsersOf(loaded, access);
  } catch (error) {
    // Its one refusal is a topology it does not cover (redis-pubsub://): the user's to fix, not a crash.
    throw new ComposeMeshKeysError(`mesh:keys:compose: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Writes the Redis ACL users of a topology's processes for Docker Compose, in the folder of the
 * mesh keys (`dir`, which `writeComposeMeshKeys` made 0700):
 * - `<process>.redis-password` (0600): 32 random bytes in hex, made on the first run, then kept,
 *   so that running it again leaves running services their passwords;
 * - `redis-users.acl` (0644, rewritten each run): the users `redisUsersOf` derives from the
 *   topology and the contracts, with the SHA-256 of each password and the default user off — what
 *   Redis reads with `--aclfile`. It holds no password, so the redis image's own user may read it.
 *
 * Nothing is written for a topology whose processes do not talk through Redis. `users` are the
 * topology's, when {@link composeRedisUsersOf} has already worked them out.
 *
 * @throws ComposeMeshKeysError as {@link composeRedisUsersOf} does, before writing anything.
 */
export function writeComposeRedisUsers(
  options: ComposeRedisUsersSource & { dir: string; users?: readonly RedisProcessUser[] },
): ComposeRedisUsers {
  const { dir, cwd, users = composeRedisUsersOf(options) } = options;
  if (users.length === 0) return { processes: [] };
  const folder = resolve(cwd, dir);
  const passwords = new Map<string, string>();
  for (const { process } of users) {
    const file = join(folder, composeRedisPasswordFile(process));
    if (!existsSync(file)) writePrivate(file, randomBytes(32).toString('hex'));
    passwords.set(process, readFileSync(file, 'utf8').trim());
  }
  const aclFile = join(folder, COMPOSE_REDIS_ACL_FILE);
  writePrivate(
    aclFile,
    redisAclFile(users, (process) => passwords.get(process)!),
    0o644,
  );
  return { processes: users.map(({ process }) => process), aclFile };
}
