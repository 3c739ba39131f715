import { createHash } from 'node:crypto';
import { redisKeys } from './redis-keys.js';

/** What one module does through Redis, which is all its ACL user may do. */
export interface RedisAclSubject {
  /** The module (its service logs in as this user); `seam-<module>` unless `username` says otherwise. */
  module: string;
  /** The modules it calls (requests and their replies). */
  calls?: readonly string[];
  /** The event patterns it handles (another module's events it consumes through its group). */
  subscribes?: readonly string[];
  /** ACL user name (default `seam-<module>`). */
  username?: string;
  /** The user's password: only its SHA-256 reaches the output, so the lines can be stored in a repository. */
  password: string;
}

const MODULE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** Characters that stay literal in a Redis glob and cannot split an ACL rule. */
const PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * The `ACL SETUSER` command (one line, for `redis-cli` or an ACL file without its leading
 * `ACL SETUSER`) creating the least-privileged user of `module` for Seam's streams transport
 * (Redis 7 selectors). Derived from the names in `redis-keys.ts`; the user may:
 * - as a server: create its group on, read, acknowledge and trim its own request stream
 *   (`seam:rq:<module>`) and the event streams of `subscribes`; publish replies (`seam:rp:*`,
 *   whose names are 128 random bits) and its heartbeats (`seam:hb:<module>`); hold its presence
 *   subscriptions (`seam:pr:m:<module>`, `seam:pr:r:*`);
 * - as a client: append to, inspect and clean up the request streams of `calls`, subscribe to
 *   their heartbeats and to reply channels, count presence subscribers (`PUBSUB NUMSUB` only:
 *   `PUBSUB CHANNELS` would list every client's reply channel), and append its own events
 *   (`seam:ev:<module>.*`).
 * Nothing else: no other module's request stream, no `KEYS`/`SCAN`, no admin or scripting commands.
 *
 * @throws Error for a module name or pattern that is not plain (it would widen or break the rule).
 */
export function redisAclFor(subject: RedisAclSubject): string {
  const { module, calls = [], subscribes = [] } = subject;
  const username = subject.username ?? `seam-${module}`;
  for (const name of [module, ...calls])
    if (!MODULE_NAME.test(name)) throw new Error(`redisAclFor: "${name}" is not a module name`);
  for (const text of [...subscribes, username])
    if (!PATTERN.test(text)) throw new Error(`redisAclFor: "${text}" holds characters Redis would read as a glob`);
  if (typeof subject.password !== 'string' || subject.password.length < 16)
    throw new Error(
      'redisAclFor: the password must be at least 16 characters (generate it, e.g. openssl rand -hex 32)',
    );
  const hash = createHash('sha256').update(subject.password).digest('hex');
  const own = redisKeys.requests(module);
  const consumed = subscribes.map((pattern) => `~${redisKeys.events(pattern)}`);
  const rules = [
    `ACL SETUSER ${username} reset on #${hash}`,
    // What ioredis sends on every connection: ready check, names, database, keep-alive.
    '-@all +ping +info +select +quit +echo +client|setname +client|setinfo +pubsub|numsub',
    // Server: its own request stream and the event streams it consumes, through its group.
    selector([`~${own}`, ...consumed], ['+xgroup|create', '+xreadgroup', '+xack']),
    selector([`~${own}`], ['+xdel']),
    // Server: replies to any caller, heartbeats and presence of this module only.
    selector(['&' + redisKeys.replies('*'), '&' + redisKeys.heartbeats(module)], ['+publish']),
    // Client: its own events.
    selector([`~${redisKeys.events(`${module}.*`)}`], ['+xadd']),
    // Client: the request streams of the modules it calls.
    ...(calls.length === 0
      ? []
      : [
          selector(
            calls.map((callee) => `~${redisKeys.requests(callee)}`),
            ['+xadd', '+xdel', '+xinfo|consumers', '+xpending', '+xgroup|delconsumer'],
          ),
        ]),
    selector(
      [
        '&' + redisKeys.replies('*'),
        '&' + redisKeys.modulePresence(module),
        '&' + redisKeys.replicaPresence('*'),
        ...calls.map((callee) => '&' + redisKeys.heartbeats(callee)),
      ],
      ['+subscribe', '+unsubscribe'],
    ),
  ];
  return rules.join(' ');
}

function selector(resources: string[], commands: string[]): string {
  return `(${[...resources, ...commands].join(' ')})`;
}
