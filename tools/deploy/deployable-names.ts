import type { Deployable } from './cluster-plan.js';

/**
 * The longest container name Kubernetes accepts (an RFC 1123 label). A service's container is
 * named after what it runs, `<module>-service`, so a module name may have 55 characters at most.
 */
export const MAX_CONTAINER_NAME_LENGTH = 63;

/**
 * Why a plan's processes cannot become Kubernetes objects under their names, one problem each.
 * The topology file accepts any kebab-case module name, but on a cluster each process's name is
 * also that of its Deployment, Service, HPA and PodDisruptionBudget (a module called `monolith`,
 * whose objects would replace the edge's, is refused by the topology itself):
 *
 * - a container name longer than {@link MAX_CONTAINER_NAME_LENGTH} is refused by the API server,
 *   after every schema check here has passed (the OpenAPI schema does not bound names);
 * - a process named after the Redis host of a Redis topology (`redis` for `redis://redis:6379`)
 *   would replace, in that namespace, the very Service its pods reach Redis by.
 */
export function deployableNameProblems(
  deployables: readonly Deployable[],
  redis: { readonly host: string } | undefined,
): string[] {
  const problems: string[] = [];
  for (const deployable of deployables) {
    const who = deployable.module === undefined ? 'the monolith' : `module "${deployable.module}"`;
    if (deployable.app.length > MAX_CONTAINER_NAME_LENGTH)
      problems.push(
        `name too long for a cluster: ${who} runs as container "${deployable.app}", ${deployable.app.length} characters where Kubernetes takes at most ${MAX_CONTAINER_NAME_LENGTH}; give the module a shorter name`,
      );
    if (redis !== undefined && deployable.name === redis.host)
      problems.push(
        `name clash on a cluster: ${who} would get a Service named "${deployable.name}", the host the pods reach Redis by (--redis-url), and replace the Service of your Redis; rename the module or give --redis-url another host`,
      );
  }
  return problems;
}
