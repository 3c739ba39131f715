import { createHash } from 'node:crypto';
import { redisKeys } from './redis-keys.js';

/** What one process does through Seam's Redis streams transport: all its ACL user may do. */
export interface RedisAclSubject {
  /** The ACL user name, e.g. `seam-orders`. */
  username: string;
  /** Its password: only its SHA-256 reaches the rules, so they can be kept in a repository. */
  password: string;
  /** The modules this process serves through Redis (one for a service). */
  hosts: readonly string[];
  /** The modules it calls through Redis. */
  calls?: readonly string[];
  /** The event patterns its hosted modules handle (other modules' events, read through their groups). */
  subscribes?: readonly string[];
  /** The event patterns it publishes (default: each hosted module's own, `<module>.*`). */
  publishes?: readonly string[];
  /**
   * The identities it calls as (default: `hosts`; add e.g. `edge` for a process serving the HTTP
   * edge): under ACL identities (`SeamRedisSecurity.aclIdentities`) it may append to its own
   * stream of each module it calls, `seam:rq:<module>:<identity>`, and to no one else's.
   */
  speaksAs?: readonly string[];
}

/** An ACL user as rules ({@link RedisAclUser.args} for a client library) and as a `redis-cli` command line. */
export interface RedisAclUser {
  username: string;
  /** The arguments of `ACL SETUSER <username>`, one rule or selector each. */
  rules: string[];
  /** `ACL SETUSER …` with selectors quoted, for `redis-cli`. */
  command: string;
}

const MODULE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** Characters that stay literal in a Redis glob and cannot split or widen an ACL rule. */
const LITERAL = /^[A-Za-z0-9._:-]{1,200}$/;
/** `openssl rand -hex 32` gives 64; anything much shorter can be guessed offline from its hash. */
const MIN_PASSWORD_LENGTH = 16;

/**
 * The least-privileged Redis 7 ACL user of a process on Seam's streams transport, derived from the
 * names in `redis-keys.ts`. The user may only:
 * - as the server of `hosts`: create its group on, read, acknowledge and delete entries of its
 *   own request streams (`seam:rq:<hosted>` and each caller's `seam:rq:<hosted>:*`, never append) and the event streams of `subscribes`,
 *   and list and delete the consumers of gone replicas there; publish
 *   replies (`seam:rp:*`, whose names carry 128 random bits) and its heartbeats
 *   (`seam:hb:<hosted>`); hold its presence subscriptions (`seam:pr:m:<hosted>`, `seam:pr:r:<hosted>:*`:
 *   no other module's, which it could hold to keep that module's dead replicas counted alive);
 * - as a client of `calls`: append to, inspect and clean up their shared request streams and,
 *   for each identity of `speaksAs`, its own stream of each (`seam:rq:<callee>:<identity>`, what
 *   ACL identities rest on: no other user may write it); subscribe to
 *   their heartbeats and to reply channels, and count presence subscribers (`PUBSUB NUMSUB`
 *   only: `PUBSUB CHANNELS` would list every caller's reply channel);
 * - append the events of `publishes`;
 * - run what ioredis sends on connecting (`PING`, `INFO` ready check, `CLIENT SETNAME`,
 *   `SELECT`), and read Redis's clock (`TIME`: a server measures how long requests waited).
 * Nothing else: no other module's request stream, no `KEYS`/`SCAN`/`FLUSHALL`, no scripting or
 * administration. Redis checks each command against the root rules and then each selector in
 * turn, so a command is allowed only on the keys and channels its own selector lists.
 *
 * @throws Error for a name that is not plain (it would widen or break a rule) or a short password.
 */
export function redisAclFor(subject: RedisAclSubject): RedisAclUser {
  const { username, hosts, calls = [], subscribes = [], speaksAs = hosts } = subject;
  const publishes = subject.publishes ?? hosts.map((module) => `${module}.*`);
  for (const name of [...hosts, ...calls, ...speaksAs])
    if (!MODULE_NAME.test(name)) throw new Error(`redisAclFor: "${name}" is not a module name`);
  for (const text of [username, ...subscribes, ...publishes.map((pattern) => pattern.replace(/\.\*$/, ''))])
    if (!LITERAL.test(text)) throw new Error(`redisAclFor: "${text}" holds characters Redis would read as a glob`);
  if (typeof subject.password !== 'string' || subject.password.length < MIN_PASSWORD_LENGTH)
    throw new Error(
      `redisAclFor: the password must be at least ${MIN_PASSWORD_LENGTH} characters (openssl rand -hex 32)`,
    );
  const hash = createHash('sha256').update(subject.password).digest('hex');
  // A hosted module's own request streams: the shared one and each caller's (`*` cannot reach
  // another module's: module names hold no `:`).
  const requests = (modules: readonly string[]) => modules.map((module) => `~${redisKeys.requests(module)}`);
  const served = [...requests(hosts), ...hosts.map((module) => `~${redisKeys.callerRequests(module, '*')}`)];
  const ownStreams = calls.flatMap((module) =>
    speaksAs.map((identity) => `~${redisKeys.callerRequests(module, identity)}`),
  );
  const rules = [
    'reset',
    'on',
    `#${hash}`,
    '-@all',
    '+ping',
    '+echo',
    '+info',
    '+select',
    '+quit',
    '+client|setname',
    '+pubsub|numsub',
    '+time',
    ...selector(
      [...served, ...subscribes.map((pattern) => `~${redisKeys.events(pattern)}`)],
      // XINFO CONSUMERS and XGROUP DELCONSUMER: a server deletes the idle consumers of gone replicas.
      ['+xgroup|create', '+xreadgroup', '+xack', '+xinfo|consumers', '+xgroup|delconsumer'],
    ),
    ...selector(served, ['+xdel']),
    ...selector(
      hosts.length === 0
        ? []
        : [`&${redisKeys.replies('*')}`, ...hosts.map((module) => `&${redisKeys.heartbeats(module)}`)],
      ['+publish'],
    ),
    ...selector(
      publishes.map((pattern) => `~${redisKeys.events(pattern)}`),
      ['+xadd'],
    ),
    ...selector(
      [...requests(calls), ...ownStreams],
      ['+xadd', '+xdel', '+xinfo|consumers', '+xpending', '+xgroup|delconsumer'],
    ),
    ...selector(
      [
        ...(calls.length === 0 ? [] : [`&${redisKeys.replies('*')}`]),
        ...calls.map((module) => `&${redisKeys.heartbeats(module)}`),
        ...hosts.map((module) => `&${redisKeys.modulePresence(module)}`),
        ...hosts.map((module) => `&${redisKeys.replicaPresence(module, '*')}`),
      ],
      ['+subscribe', '+unsubscribe'],
    ),
  ];
  const quoted = rules.map((rule) => (rule.startsWith('(') ? `"${rule}"` : rule));
  return { username, rules, command: ['ACL', 'SETUSER', username, ...quoted].join(' ') };
}

/** A selector granting `commands` on `resources`, or nothing when there are no resources. */
function selector(resources: readonly string[], commands: readonly string[]): string[] {
  return resources.length === 0 ? [] : [`(${[...resources, ...commands].join(' ')})`];
}
