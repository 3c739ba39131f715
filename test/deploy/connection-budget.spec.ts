// Whether the generated pods, all at their most, fit in one PostgreSQL server's connections:
// counted from the manifests (autoscaler ceilings, rollout surge, DATABASE_POOL_SIZE), not from the
// generator's own arithmetic.
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_POOL_SIZE, databaseConfigFromEnv } from '@seam/persistence';
import { parseTopology } from '@seam/runtime';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { type ClusterPlan, clusterPlan } from '../../tools/deploy/cluster-plan.js';
import {
  ConnectionBudgetError,
  DEFAULT_PG_MAX_CONNECTIONS,
  databasePoolSize,
  MAX_POOL_SIZE,
  MIN_POOL_SIZE,
  RESERVED_PG_CONNECTIONS,
} from '../../tools/deploy/connection-budget.js';
import { contractAccess } from '../../tools/deploy/contract-access.js';
import { type KubernetesObject, kubernetesManifests } from '../../tools/deploy/k8s-manifests.js';
import { REPOSITORY_ROOT, shippedTopology, shippedTopologyNames } from './support/shipped.js';

const access = contractAccess(REPOSITORY_ROOT);

/** The shop's five modules in the monolith: fixed here, so that a module added later changes no number below. */
const fiveModuleMonolith = parseTopology(
  {
    modules: ['identity', 'catalog', 'inventory', 'payments', 'orders'],
    topologies: {
      m: {
        modules: {
          identity: 'monolith',
          catalog: 'monolith',
          inventory: 'monolith',
          payments: 'monolith',
          orders: 'monolith',
        },
      },
    },
  },
  'm',
  {},
  'test',
);

/** Each Deployment's peak pods, the modules each pod opens a pool for, and its DATABASE_POOL_SIZE. */
function connectionsOf(plan: ClusterPlan, pgMaxConnections?: number) {
  const objects: KubernetesObject[] = kubernetesManifests(plan, { image: 'seam:1', access, pgMaxConnections });
  const autoscalers = objects.filter(
    (object): object is IHorizontalPodAutoscaler => object.kind === 'HorizontalPodAutoscaler',
  );
  return objects
    .filter((object): object is IDeployment => object.kind === 'Deployment')
    .map((deployment) => {
      const name = deployment.metadata!.name!;
      const ceiling =
        autoscalers.find((autoscaler) => autoscaler.metadata!.name === name)?.spec!.maxReplicas ??
        deployment.spec!.replicas!;
      const surge = Number(deployment.spec!.strategy!.rollingUpdate!.maxSurge);
      const env = deployment.spec!.template.spec!.containers[0]!.env!;
      const pool = env.find((variable) => variable.name === 'DATABASE_POOL_SIZE')?.value;
      // A module's pool: one per DATABASE_URL_<MODULE> the pod reads (the modules it hosts).
      const modules = env.filter((variable) => variable.name.startsWith('DATABASE_URL_')).length;
      return { name, pods: ceiling + surge, modules, pool: pool === undefined ? undefined : Number(pool) };
    });
}

/** What `generate` gives, or `refused` when it refuses the plan's connection budget. */
function refusedOr<T>(generate: () => T): T | 'refused' {
  try {
    return generate();
  } catch (error) {
    if (error instanceof ConnectionBudgetError) return 'refused';
    throw error;
  }
}

/** The connections all pods hold at their most, each pool full (the app's default where none is set). */
const peak = (deployments: ReturnType<typeof connectionsOf>) =>
  deployments.reduce((sum, { pods, modules, pool }) => sum + pods * modules * (pool ?? DEFAULT_POOL_SIZE), 0);

describe('DATABASE_POOL_SIZE from a connection budget', () => {
  describe.each(shippedTopologyNames())('topology %s', (name) => {
    it("fits every pod at its most, with reserve, in a stock PostgreSQL's 100 connections, or refuses", () => {
      const plan = clusterPlan(shippedTopology(name));
      // Enough modules added (`npm run add:module`) and they no longer fit: refused, never emitted.
      const deployments = refusedOr(() => connectionsOf(plan));
      if (deployments === 'refused') return;
      expect(peak(deployments) + RESERVED_PG_CONNECTIONS).toBeLessThanOrEqual(DEFAULT_PG_MAX_CONNECTIONS);
      // A process hosting no module (split-tcp's edge) opens no pool and is given none.
      expect(
        deployments.map(({ name: deployment, modules, pool }) => ({
          deployment,
          pool: modules === 0 ? pool : pool! >= MIN_POOL_SIZE,
        })),
      ).toEqual(
        deployments.map(({ name: deployment, modules }) => ({ deployment, pool: modules === 0 ? undefined : true })),
      );
    });
  });

  it('gives the largest pool that fits: the monolith, 2–6 copies and a rollout surge of 7 pods × 5 modules', () => {
    const plan = clusterPlan(fiveModuleMonolith);
    expect(connectionsOf(plan)).toEqual([{ name: 'monolith', pods: 7, modules: 5, pool: 2 }]);
    // (200 − 10) / 35 = 5.4
    expect(connectionsOf(plan, 200)).toEqual([{ name: 'monolith', pods: 7, modules: 5, pool: 5 }]);
  });

  it("never gives more than the app's own default, and a size the app accepts", () => {
    expect(MAX_POOL_SIZE).toBe(DEFAULT_POOL_SIZE);
    const plan = clusterPlan(shippedTopology('split-redis'));
    expect(databasePoolSize(plan, 10_000)).toBe(DEFAULT_POOL_SIZE);
    for (const size of [databasePoolSize(plan), databasePoolSize(plan, 10_000)])
      expect(
        databaseConfigFromEnv({ DATABASE_URL: 'postgres://seam@db/seam', DATABASE_POOL_SIZE: String(size) }),
      ).toMatchObject({ poolSize: size });
  });

  it('refuses a server too small for the minimum pool, saying how many connections the plan needs', () => {
    // 10 pods × 5 modules × 2 + 10 = 110 connections.
    const plan = clusterPlan(fiveModuleMonolith, { monolithReplicas: 3 });
    expect(() => kubernetesManifests(plan, { image: 'seam:1', access })).toThrow(ConnectionBudgetError);
    expect(() => databasePoolSize(plan)).toThrow(
      /max_connections 100 \(--pg-max-connections\) is too few: at their most the pods hold 50 pools \(monolith 10 pods × 5\).* need 110/,
    );
    expect(databasePoolSize(plan, 110)).toBe(MIN_POOL_SIZE);
    for (const wrong of [0, 1.5, -3])
      expect(() => databasePoolSize(plan, wrong)).toThrow(/--pg-max-connections must be a whole number/);
  });
});
