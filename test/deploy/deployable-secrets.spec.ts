import { describe, expect, it } from '@jest/globals';
import { clusterPlan } from '../../tools/deploy/cluster-plan.js';
import { USAGE_ERROR } from '../../tools/deploy/deploy-k8s.cli.js';
import { runDeployK8sIn } from './support/run-deploy-k8s.js';
import { secretKeysOf, secretNameOf } from '../../tools/deploy/deployable-secrets.js';
import { databaseConfigFromEnv } from '../../libs/seam/persistence/src/database-config.js';
import { throttlingConfigFrom } from '../../apps/monolith/src/edge/throttling/throttling.config.js';
import { contractAccess } from '../../tools/deploy/contract-access.js';
import { kubernetesManifests } from '../../tools/deploy/k8s-manifests.js';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import {
  monolithModules,
  REPOSITORY_ROOT,
  shippedModules,
  shippedTopology,
  shippedTopologyNames,
} from './support/shipped.js';

/** `DATABASE_URL_<MODULE>`, the connection of each module a process hosts: `DATABASE_URL_GIFT_CARDS` for `gift-cards`. */
const databaseUrls = (modules: string[]) =>
  modules.map((module) => `DATABASE_URL_${module.toUpperCase().replaceAll('-', '_')}`);

/** The edge's optional throttling settings, which depend on the cluster (its Redis, its ingress). */
const EDGE_SETTINGS = ['SEAM_THROTTLE_REDIS_URL', 'SEAM_TRUST_PROXY'];

/** The keys one process of a shipped topology reads from its Secret. */
function keysOf(topology: string, deployable: string): string[] {
  const plan = clusterPlan(shippedTopology(topology));
  return secretKeysOf(
    plan.deployables.find((candidate) => candidate.name === deployable)!,
    plan,
  ).map(({ key }) => key);
}

const run = (args: string[]) => runDeployK8sIn(REPOSITORY_ROOT, args);

describe('secretKeysOf', () => {
  it('gives payments its own keys and never the token-signing key', () => {
    expect(keysOf('split-tcp', 'payments')).toEqual([
      'DATABASE_URL_PAYMENTS',
      'PAYMENTS_CARD_FINGERPRINT_KEY',
      'SEAM_MESH_KEYS',
    ]);
  });

  it('gives the token keys to the process that hosts identity, wherever that is', () => {
    expect(keysOf('split-tcp', 'identity')).toEqual([
      'DATABASE_URL_IDENTITY',
      'JWT_SECRET',
      'JWT_PREVIOUS_SECRET',
      'SEAM_MESH_KEYS',
    ]);
    // identity, catalog and orders, and any module added since (it starts in the monolith there).
    expect(keysOf('mixed', 'monolith')).toEqual([
      ...databaseUrls(monolithModules('mixed')),
      'JWT_SECRET',
      'JWT_PREVIOUS_SECRET',
      'SEAM_ADMIN_PASSWORD',
      ...EDGE_SETTINGS,
      'SEAM_MESH_KEYS',
    ]);
  });

  it('gives an edge that hosts no module neither a database nor a token key', () => {
    expect(keysOf('split-tcp', 'monolith')).toEqual(['SEAM_ADMIN_PASSWORD', ...EDGE_SETTINGS, 'SEAM_MESH_KEYS']);
  });

  it('gives a lone monolith every key it reads but no mesh key (it talks to no other process)', () => {
    expect(keysOf('monolith', 'monolith')).toEqual([
      ...databaseUrls(shippedModules()),
      'JWT_SECRET',
      'JWT_PREVIOUS_SECRET',
      'PAYMENTS_CARD_FINGERPRINT_KEY',
      'SEAM_ADMIN_PASSWORD',
      ...EDGE_SETTINGS,
    ]);
  });

  it('gives each process of a Redis topology its own Redis user, which it needs to start', () => {
    const plan = clusterPlan(shippedTopology('split-redis'));
    const payments = secretKeysOf(
      plan.deployables.find(({ name }) => name === 'payments')!,
      plan,
    );
    expect(payments.filter(({ key }) => key.startsWith('SEAM_REDIS_'))).toEqual([
      expect.objectContaining({ key: 'SEAM_REDIS_USERNAME', optional: false }),
      expect.objectContaining({ key: 'SEAM_REDIS_PASSWORD', optional: false }),
    ]);
    expect(keysOf('split-tcp', 'payments').filter((key) => key.startsWith('SEAM_REDIS_'))).toEqual([]);
  });

  it("names each module's database URL as @seam/persistence reads it, and no other module's", () => {
    const plan = clusterPlan(shippedTopology('split-tcp'));
    for (const deployable of plan.deployables.filter(({ module }) => module !== undefined)) {
      const env = Object.fromEntries(
        secretKeysOf(deployable, plan)
          .filter(({ key }) => key.startsWith('DATABASE_URL'))
          .map(({ key }) => [key, 'postgres://role:pw@db:5432/seam']),
      );
      const config = databaseConfigFromEnv(env);
      // Keyed by the module's schema, which has `_` where its name has `-`: `gift_cards` for `gift-cards`.
      expect(config.kind === 'postgres' && config).toEqual({
        kind: 'postgres',
        moduleUrls: { [deployable.module!.replaceAll('-', '_')]: 'postgres://role:pw@db:5432/seam' },
        poolSize: 10,
      });
    }
  });

  it('names one Secret per process', () => {
    const plan = clusterPlan(shippedTopology('split-tcp'));
    expect(plan.deployables.map(secretNameOf)).toEqual([
      'seam-monolith-secrets',
      ...plan.deployables.slice(1).map(({ name }) => `seam-${name}-secrets`),
    ]);
  });
});

describe("the edge's throttling on a cluster", () => {
  // The edge runs two copies or more behind an ingress. Its rate limits count per client address:
  // in memory, each copy counts alone; without SEAM_TRUST_PROXY, every client is the ingress and
  // shares one count (docs/security.md, "Edge throttling"). Both must be settable without editing
  // the generated manifests.
  it.each(shippedTopologyNames())(
    'in %s, reaches the app from the Secret, optional, under the names it reads',
    (topology) => {
      const plan = clusterPlan(shippedTopology(topology));
      const edge = kubernetesManifests(plan, { image: 'seam:1', access: contractAccess(REPOSITORY_ROOT) }).find(
        (object): object is IDeployment => object.kind === 'Deployment' && object.metadata!.name === 'monolith',
      );
      const env = edge!.spec!.template.spec!.containers[0]!.env!;
      const refs = env
        .filter(({ name }) => EDGE_SETTINGS.includes(name))
        .map(({ valueFrom }) => valueFrom?.secretKeyRef);
      expect(refs).toEqual(EDGE_SETTINGS.map((key) => ({ name: 'seam-monolith-secrets', key, optional: true })));
      // What a Secret holding both gives the pod is what the edge's throttling reads.
      const secret: Record<string, string> = {
        SEAM_THROTTLE_REDIS_URL: 'rediss://edge:pw@redis:6380',
        SEAM_TRUST_PROXY: '10.0.0.0/8',
      };
      const config = throttlingConfigFrom(Object.fromEntries(refs.map((ref) => [ref!.key, secret[ref!.key]])));
      expect({ redisUrl: config.redisUrl, trustProxy: config.trustProxy }).toEqual({
        redisUrl: 'rediss://edge:pw@redis:6380',
        trustProxy: '10.0.0.0/8',
      });
    },
  );

  it('keeps them out of every module service', () => {
    for (const name of shippedTopologyNames()) {
      const plan = clusterPlan(shippedTopology(name));
      for (const deployable of plan.deployables.filter(({ module }) => module !== undefined))
        expect(secretKeysOf(deployable, plan).filter(({ key }) => EDGE_SETTINGS.includes(key))).toEqual([]);
    }
  });
});

describe('deploy:k8s --print-secrets', () => {
  it("prints one kubectl command per process, with only that process's required keys and no value", () => {
    const { status, stdout } = run(['split-tcp', '--print-secrets', '--namespace', 'shop']);
    expect(status).toBe(0);
    const commands = stdout.trim().split(/\n(?=kubectl)/);
    const payments = commands.find((command) => command.includes('seam-payments-secrets'))!;
    expect(payments).toMatch(/^kubectl -n shop create secret generic seam-payments-secrets/);
    expect(payments).toContain('--from-literal=PAYMENTS_CARD_FINGERPRINT_KEY=');
    expect(payments).not.toContain('JWT_SECRET');
    expect(commands).toHaveLength(clusterPlan(shippedTopology('split-tcp')).deployables.length);
  });
});

describe('deploy:k8s policy flags refuse hostile values', () => {
  it.each([
    [['--scraper-namespace', 'Monitoring']],
    [['--scraper-namespace', 'a b']],
    [['--redis-selector', 'app']],
    [['--redis-selector', '=redis']],
    [['--redis-selector', 'app=redis,app=other']],
    [['--redis-selector', 'app=re dis']],
    [['--redis-selector', 'app=redis\nkind: Secret']],
    [['--redis-selector', '../x=y']],
  ])('%j', (flags) => {
    const { status, stdout, stderr } = run(['split-redis', ...flags]);
    expect({ status, stdout }).toEqual({ status: USAGE_ERROR, stdout: '' });
    expect(stderr).toMatch(/--(scraper-namespace|redis-selector)/);
  });

  it('accepts a label selector with a prefixed key', () => {
    const { status, stdout } = run(['split-redis', '--redis-selector', 'app.kubernetes.io/name=redis,role=primary']);
    expect(status).toBe(0);
    expect(stdout).toContain('role: primary');
  });
});
