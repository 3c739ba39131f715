import { createHash } from 'node:crypto';
import { hostedBy, meshSelf, type ProcessRole, type Topology } from '@seam/runtime';
import { type RedisAclSubject, type RedisAclUser, redisAclFor } from '@seam/transport';
import { ANY_CALLER, type ContractAccess } from './contract-access.js';

/** The Redis ACL user of one process of a topology, before its password is known. */
export interface RedisProcessUser {
  /** `monolith` or the module of a service (replicas of a service share its user). */
  readonly process: string;
  /** What `redisAclFor` needs, but the password. */
  readonly subject: Omit<RedisAclSubject, 'password'>;
}

/** The user name of a process: `seam-<process>`, what `SEAM_REDIS_USERNAME` holds. */
export const redisUsernameOf = (process: string) => `seam-${process}`;

/**
 * The Redis ACL user of each process of `topology` that talks through Redis, least-privileged as
 * `redisAclFor` makes them:
 * - `hosts`: the modules it serves over Redis (a service whose address is `redis://`, the
 *   monolith's modules when the monolith's own address is);
 * - `calls`: the modules served over Redis elsewhere that one of its identities may call, as the
 *   contracts say (`callers` of a request entry, the relay of a module whose events it takes,
 *   or anyone for `ANY_CALLER`) — the same reading as the NetworkPolicies of the TCP topologies;
 * - `subscribes`: the events whose contracts let one of its modules subscribe (or any module,
 *   `ANY_CALLER`), whose Redis streams its modules' handlers read;
 * - `speaksAs`: its identities (its modules, and `edge` and `seed` for the monolith), so that
 *   under ACL identities it may write its own stream of each module it calls and no other's.
 *
 * A process that neither serves nor calls anything over Redis gets no user.
 *
 * @throws Error for a topology that uses Nest's pub/sub wire format (`redis-pubsub://`), whose
 *   channels these rules do not cover.
 * @param access what the contracts allow (`contractAccess(root)`).
 */
export function redisUsersOf(
  topology: Topology,
  { callers, subscribers }: Pick<ContractAccess, 'callers' | 'subscribers'>,
): RedisProcessUser[] {
  const roles: ProcessRole[] = [
    { kind: 'monolith' },
    ...topology.services.map(({ module }): ProcessRole => ({ kind: 'service', module })),
  ];
  const pubsub = [...topology.services.map(({ address }) => address), topology.monolith.address].some(
    (address) => address?.transport === 'redis' && address.mode === 'pubsub',
  );
  if (pubsub)
    throw new Error(
      `topology "${topology.name}" reaches a module over redis-pubsub://: redisAclFor writes Redis users for the streams transport only (see docs/security.md, "Left out / limits")`,
    );
  const overRedis = new Set(
    [
      ...topology.services.filter(({ address }) => address.transport === 'redis').map(({ module }) => module),
      ...(topology.monolith.address?.transport === 'redis' ? topology.monolith.modules : []),
    ].toSorted(),
  );
  const users: RedisProcessUser[] = [];
  for (const role of roles) {
    const hosted = hostedBy(topology, role);
    const speaksAs = meshSelf(topology, role);
    const hosts = hosted.filter((module) => overRedis.has(module));
    const calls = [...overRedis].filter((module) => {
      if (hosted.includes(module)) return false;
      const allowed = callers.get(module);
      return allowed !== undefined && (allowed.has(ANY_CALLER) || speaksAs.some((name) => allowed.has(name)));
    });
    if (hosts.length === 0 && calls.length === 0) continue;
    const subscribes = [...subscribers]
      .filter(([, allowed]) => hosts.some((module) => allowed.includes(module) || allowed.includes(ANY_CALLER)))
      .map(([pattern]) => pattern)
      .toSorted();
    const process = role.kind === 'monolith' ? 'monolith' : role.module;
    users.push({ process, subject: { username: redisUsernameOf(process), hosts, calls, subscribes, speaksAs } });
  }
  return users;
}

/**
 * An ACL file for `redis-server --aclfile` (Redis 7): one `user` line per process, with the
 * SHA-256 of its password only (never the password), and the `default` user off — so that a
 * connection without credentials can do nothing, which ACL identities require.
 *
 * @param passwordOf each process's password (`redisAclFor` refuses one shorter than 16 characters).
 * @throws Error when a process has no password.
 */
export function redisAclFile(users: readonly RedisProcessUser[], passwordOf: (process: string) => string): string {
  const lines = users.map(({ process, subject }) =>
    aclFileLine(redisAclFor({ ...subject, password: passwordOf(process) })),
  );
  return `${['user default off', ...lines].join('\n')}\n`;
}

/**
 * One user as a line of an ACL file: the rules `ACL SETUSER` takes, selectors in parentheses as
 * `ACL LIST` prints them (the file holds the whole rule set, so `reset` is left out).
 */
function aclFileLine({ username, rules }: RedisAclUser): string {
  return ['user', username, ...rules.filter((rule) => rule !== 'reset')].join(' ');
}

/** A stand-in password: `redisAclFor` needs one to hash; the printed command swaps its hash out. */
const STAND_IN = 'stand-in-password-never-used';

/**
 * `redis-cli` commands that create every user of `users` on a running Redis, each password read
 * by the operator's shell from `<process>.redis-password` (the file its Secret is made from), so
 * that no password is printed; then the default user is turned off. Printed by `deploy:k8s
 * --print-secrets` for Redis topologies.
 */
export function redisAclCommands(users: readonly RedisProcessUser[]): string[] {
  const standIn = `#${createHash('sha256').update(STAND_IN).digest('hex')}`;
  const commands = users.map(({ process, subject }) => {
    const { username, rules } = redisAclFor({ ...subject, password: STAND_IN });
    // Single quotes: rules hold `|` and `*`, which a shell would read as a pipe and a glob.
    const words = rules.map((rule) => (rule === standIn ? `">$(cat ${process}.redis-password)"` : `'${rule}'`));
    return ['redis-cli -u "$REDIS_ADMIN_URL" ACL SETUSER', username, ...words].join(' ');
  });
  return [...commands, 'redis-cli -u "$REDIS_ADMIN_URL" ACL SETUSER default off'];
}
