import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { probeEndpoint, redact, transportSecurityFromEnv } from '@seam/runtime';
import type { PlannedListener, TopologyPlan } from './topology-plan.js';

/** How long Redis may take to answer PING before the run is refused. */
const REDIS_PROBE_MS = 3_000;

/** Hosts a listener binds every interface of the machine on (undefined: Node's default, `::`). */
const EVERY_INTERFACE = new Set<string | undefined>([undefined, '', '0.0.0.0', '::']);
/** What `localhost` may resolve to. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * Everything that would make the run fail half-way, found before any process starts: a built
 * entry missing, two processes of the run on one port, a port of the topology already taken, a
 * Redis the topology needs that does not answer. Resolves with one line per problem (none: go
 * ahead), all of them at once.
 */
export async function preflightProblems(plan: TopologyPlan, env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  const problems: string[] = [];
  const missing = [...new Set(plan.processes.map(({ entry }) => entry))].filter(
    (entry) => !existsSync(join(cwd, entry)),
  );
  // Building cannot make an app that does not exist: a misspelt module in the file, say.
  const withoutApp = missing.filter((entry) => !existsSync(join(cwd, 'apps', appOf(entry))));
  for (const entry of withoutApp)
    problems.push(
      `the topology file lists a module this repository has no app for: apps/${appOf(entry)} does not exist ` +
        `(a misspelt module name? a new module is made with npm run add:module -- <name>)`,
    );
  const unbuilt = missing.filter((entry) => !withoutApp.includes(entry));
  if (unbuilt.length > 0)
    problems.push(`not built: ${unbuilt.join(', ')} — run \`npm run build\` first (npm run start:topology does)`);
  const listeners = plan.processes.flatMap((planned) => planned.listeners);
  problems.push(...clashes(listeners));
  for (const listener of listeners) {
    const reason = await cannotListen(listener);
    if (reason) problems.push(reason);
  }
  if (plan.redis.length > 0) {
    const security = transportSecurityFromEnv(env);
    for (const endpoint of plan.redis) {
      if (endpoint.transport !== 'redis') continue;
      try {
        await probeEndpoint(endpoint, security, REDIS_PROBE_MS);
      } catch (error) {
        problems.push(
          `topology "${plan.topology.name}" needs Redis at ${redact(endpoint.url)}, which does not answer ` +
            `(${(error as Error).message}): start one (\`redis-server\`, or \`docker run -p 6379:6379 redis\`) ` +
            'or point REDIS_URL at yours',
        );
      }
    }
  }
  return problems;
}

/**
 * Listeners of the run that share a port on an interface: each is free on the machine, so only
 * the second process to start would find out (EADDRINUSE), with the first one already running.
 * The topology file's own ports are checked against each other when it is read; PORT and
 * SEAM_LISTEN_HOST come in only here.
 */
function clashes(listeners: readonly PlannedListener[]): string[] {
  const overlap = (a: string | undefined, b: string | undefined) =>
    EVERY_INTERFACE.has(a) ||
    EVERY_INTERFACE.has(b) ||
    a === b ||
    ((a === 'localhost' || b === 'localhost') && LOOPBACK.has(a!) && LOOPBACK.has(b!));
  return listeners.flatMap((listener, index) => {
    const first = listeners
      .slice(0, index)
      .find((other) => other.port === listener.port && overlap(other.host, listener.host));
    return first
      ? [
          `port clash: ${first.owner} (${where(first)}) and ${listener.owner} (${where(listener)}) both need port ${listener.port}: ` +
            'move one (PORT, SEAM_<MODULE>_ADDRESS, or the topology file)',
        ]
      : [];
  });
}

/** The app a built entry belongs to: `dist/apps/orders-service/main.js` → `orders-service`. */
const appOf = (entry: string) => basename(dirname(entry));

const where = (listener: PlannedListener) => `${listener.host ?? '*'}:${listener.port}`;

/** Why `listener` could not be listened on right now, or undefined when it can. */
function cannotListen(listener: PlannedListener): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? `port ${listener.port} is already in use (${where(listener)}), but ${listener.owner} needs it: ` +
            `stop what holds it (\`lsof -i :${listener.port}\`) or move it (SEAM_<MODULE>_ADDRESS, PORT, or the topology file)`
          : `${listener.owner} cannot listen on ${where(listener)}: ${error.code ?? error.message}`;
      resolve(why);
    });
    // exclusive: a port that another process of this machine holds must count as taken.
    server.listen({ port: listener.port, host: listener.host, exclusive: true }, () =>
      server.close(() => resolve(undefined)),
    );
  });
}
