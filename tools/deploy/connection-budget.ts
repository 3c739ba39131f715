import { type ClusterPlan, type Deployable, maxReplicasOf } from './cluster-plan.js';
import { ROLLOUT_MAX_SURGE } from './rollout.js';

/** PostgreSQL's own default `max_connections`: what `--pg-max-connections` assumes unless told. */
export const DEFAULT_PG_MAX_CONNECTIONS = 100;
/**
 * Connections left out of the budget: PostgreSQL's `superuser_reserved_connections` (3), a
 * `migrate` Job, an operator's psql, the one short connection each module opens at start-up to
 * check its schema, and pods still stopping during a rollout.
 */
export const RESERVED_PG_CONNECTIONS = 10;
/** The smallest pool the generator gives a module: one connection for a request, one for its relay. */
export const MIN_POOL_SIZE = 2;
/**
 * The largest: the app's own default pool (`DEFAULT_POOL_SIZE` of @seam/persistence, kept equal by
 * test/deploy): a large server only spares the pools from shrinking, never makes them grow.
 */
export const MAX_POOL_SIZE = 10;
/** What `--pg-max-connections` may say: PostgreSQL's own bounds of `max_connections`. */
export const PG_MAX_CONNECTIONS_LIMIT = 262_143;

/** No pool size fits: the message says how many connections the plan needs. */
export class ConnectionBudgetError extends Error {
  override readonly name = 'ConnectionBudgetError';
}

/** The pods of a deployable at their most: its autoscaler's ceiling, plus the pod a rollout adds. */
export const peakPodsOf = (deployable: Deployable): number => maxReplicasOf(deployable) + ROLLOUT_MAX_SURGE;

/**
 * The `DATABASE_POOL_SIZE` of every process of a plan that share one PostgreSQL server of
 * `maxConnections`: each pod opens a pool per module it hosts, so the budget (`maxConnections`
 * less {@link RESERVED_PG_CONNECTIONS}) is shared by Σ peak pods × modules hosted, over every
 * deployable. One size for all, at most {@link MAX_POOL_SIZE}; undefined when no process hosts a
 * module.
 *
 * @throws ConnectionBudgetError when `maxConnections` is not a whole number from 1 to
 *   {@link PG_MAX_CONNECTIONS_LIMIT}, or leaves less than {@link MIN_POOL_SIZE} per pool.
 */
export function databasePoolSize(
  plan: Pick<ClusterPlan, 'deployables'>,
  maxConnections = DEFAULT_PG_MAX_CONNECTIONS,
): number | undefined {
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > PG_MAX_CONNECTIONS_LIMIT)
    throw new ConnectionBudgetError(
      `--pg-max-connections must be a whole number from 1 to ${PG_MAX_CONNECTIONS_LIMIT} (PostgreSQL's max_connections), got ${maxConnections}`,
    );
  const pools = plan.deployables.reduce((sum, deployable) => sum + peakPodsOf(deployable) * deployable.hosts.length, 0);
  if (pools === 0) return undefined;
  const budget = maxConnections - RESERVED_PG_CONNECTIONS;
  const size = Math.floor(budget / pools);
  if (size < MIN_POOL_SIZE) {
    const needed = pools * MIN_POOL_SIZE + RESERVED_PG_CONNECTIONS;
    throw new ConnectionBudgetError(
      `PostgreSQL's max_connections ${maxConnections} (--pg-max-connections) is too few: at their most the pods hold ${pools} pools (${poolsByDeployable(plan)}), ` +
        `which at ${MIN_POOL_SIZE} connections each, plus ${RESERVED_PG_CONNECTIONS} kept in reserve, need ${needed}; raise max_connections (and --pg-max-connections), or lower the replicas`,
    );
  }
  return Math.min(MAX_POOL_SIZE, size);
}

/** `monolith 7 pods × 5 modules, payments 4 × 1`: where the pools come from. */
function poolsByDeployable(plan: Pick<ClusterPlan, 'deployables'>): string {
  return plan.deployables
    .filter((deployable) => deployable.hosts.length > 0)
    .map((deployable) => `${deployable.name} ${peakPodsOf(deployable)} pods × ${deployable.hosts.length}`)
    .join(', ');
}
