import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTopology } from '@seam/runtime';
import { writePrivate } from './compose-mesh-keys.js';
import { contractAccess } from './contract-access.js';
import { redisAclFile, redisUsersOf } from './redis-users.js';

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

/**
 * Writes the Redis ACL users of a topology's processes for Docker Compose, in the folder of the
 * mesh keys (`dir`, which `writeComposeMeshKeys` made 0700):
 * - `<process>.redis-password` (0600): 32 random bytes in hex, made on the first run, then kept,
 *   so that running it again leaves running services their passwords;
 * - `redis-users.acl` (0644, rewritten each run): the users `redisUsersOf` derives from the
 *   topology and the contracts, with the SHA-256 of each password and the default user off — what
 *   Redis reads with `--aclfile`. It holds no password, so the redis image's own user may read it.
 *
 * The topology is assumed valid (`writeComposeMeshKeys` has loaded it). Nothing is written for a
 * topology whose processes do not talk through Redis.
 */
export function writeComposeRedisUsers({
  dir,
  topology,
  cwd,
  env,
}: {
  dir: string;
  topology: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): ComposeRedisUsers {
  const loaded = loadTopology({
    ...env,
    SEAM_TOPOLOGY: topology,
    ...(env.SEAM_TOPOLOGY_FILE && { SEAM_TOPOLOGY_FILE: resolve(cwd, env.SEAM_TOPOLOGY_FILE) }),
  });
  const users = redisUsersOf(loaded, contractAccess(cwd));
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
