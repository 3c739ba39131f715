import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { probeEndpoint, redact, transportSecurityFromEnv } from '@seam/runtime';
import type { PlannedListener, TopologyPlan } from './topology-plan.js';

/** How long Redis may take to answer PING before the run is refused. */
const REDIS_PROBE_MS = 3_000;

/**
 * Everything that would make the run fail half-way, found before any process starts: a built
 * entry missing, a port of the topology already taken, a Redis the topology needs that does not
 * answer. Resolves with one line per problem (none: go ahead), all of them at once.
 */
export async function preflightProblems(plan: TopologyPlan, env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  const problems: string[] = [];
  const missing = [...new Set(plan.processes.map(({ entry }) => entry))].filter(
    (entry) => !existsSync(join(cwd, entry)),
  );
  if (missing.length > 0)
    problems.push(`not built: ${missing.join(', ')} — run \`npm run build\` first (npm run start:topology does)`);
  for (const listener of plan.processes.flatMap(({ listeners }) => listeners)) {
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

/** Why `listener` could not be listened on right now, or undefined when it can. */
function cannotListen(listener: PlannedListener): Promise<string | undefined> {
  const where = `${listener.host ?? '*'}:${listener.port}`;
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? `port ${listener.port} is already in use (${where}), but ${listener.owner} needs it: ` +
            `stop what holds it (\`lsof -i :${listener.port}\`) or move it (SEAM_<MODULE>_ADDRESS, PORT, or the topology file)`
          : `${listener.owner} cannot listen on ${where}: ${error.code ?? error.message}`;
      resolve(why);
    });
    // exclusive: a port that another process of this machine holds must count as taken.
    server.listen({ port: listener.port, host: listener.host, exclusive: true }, () =>
      server.close(() => resolve(undefined)),
    );
  });
}
