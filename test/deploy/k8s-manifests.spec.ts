import { describe, expect, it } from '@jest/globals';
import { loadTopology, overrideName, parseAddress, parseTopology } from '@seam/runtime';
import type { Endpoint } from '@seam/transport';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { clusterPlan, DEFAULT_MONOLITH_REPLICAS } from '../../tools/deploy/cluster-plan.js';
import { toYaml } from '../../tools/deploy/deploy-k8s.cli.js';
import { contractAccess } from '../../tools/deploy/contract-access.js';
import { secretKeysOf, secretNameOf } from '../../tools/deploy/deployable-secrets.js';
import { CONFIG_MAP_NAME, type KubernetesObject, kubernetesManifests } from '../../tools/deploy/k8s-manifests.js';
import { schemaErrors } from './support/kubernetes-schema.js';
import { REPOSITORY_ROOT, shippedTopology, shippedTopologyNames, TOPOLOGY_FILE } from './support/shipped.js';

const IMAGE = 'registry.example.com/seam:0.1.0';
const access = contractAccess(REPOSITORY_ROOT);

/** The manifests of a shipped topology, as a cluster would read them: printed as YAML and parsed back. */
function generated(name: string, redisUrl?: string): KubernetesObject[] {
  const text = toYaml(kubernetesManifests(clusterPlan(shippedTopology(name), redisUrl), { image: IMAGE, access }));
  return parseAllDocuments(text).map((document) => document.toJS() as KubernetesObject);
}

const ofKind = <T extends KubernetesObject>(objects: KubernetesObject[], kind: T['kind']): T[] =>
  objects.filter((object): object is T => object.kind === kind);
const nameOf = (object: KubernetesObject) => object.metadata!.name!;

describe('kubernetesManifests', () => {
  describe.each(shippedTopologyNames())('topology %s', (name) => {
    const objects = generated(name);
    const deployments = ofKind<IDeployment>(objects, 'Deployment');
    const services = ofKind<IService>(objects, 'Service');
    const autoscalers = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
    const [configMap] = ofKind<IConfigMap>(objects, 'ConfigMap');
    const topology = shippedTopology(name);

    it('gives objects that are all valid against the Kubernetes OpenAPI schema', () => {
      expect(objects.flatMap(schemaErrors)).toEqual([]);
    });

    it('gives the monolith and each extracted module a Deployment and a Service of the same name', () => {
      const expected = ['monolith', ...topology.services.map(({ module }) => module)];
      expect(deployments.map(nameOf)).toEqual(expected);
      expect(services.map(nameOf)).toEqual(expected);
      expect(
        deployments.map(
          (deployment) =>
            deployment.spec!.template.spec!.containers[0]!.env!.find((env) => env.name === 'SEAM_APP')!.value,
        ),
      ).toEqual(['monolith', ...topology.services.map(({ module }) => `${module}-service`)]);
    });

    it("runs as many copies as the topology says: fixed, or as the autoscaler's floor", () => {
      for (const placement of topology.services) {
        const deployment = deployments.find((candidate) => nameOf(candidate) === placement.module)!;
        const autoscaler = autoscalers.find((candidate) => nameOf(candidate) === placement.module);
        expect(autoscaler?.spec!.minReplicas ?? deployment.spec!.replicas).toBe(placement.replicas);
      }
      // The monolith: DEFAULT_MONOLITH_REPLICAS copies at least, left to its autoscaler.
      expect(deployments.find((deployment) => nameOf(deployment) === 'monolith')!.spec!.replicas).toBeUndefined();
      expect(autoscalers.find((autoscaler) => nameOf(autoscaler) === 'monolith')!.spec!.minReplicas).toBe(
        DEFAULT_MONOLITH_REPLICAS,
      );
    });

    it('resolves every remote address to a generated Service and one of its ports, or to the configured Redis', () => {
      const addresses = Object.entries(configMap!.data!).filter(([key]) => /^SEAM_[A-Z_]+_ADDRESS$/.test(key));
      /** Where an address leads on the cluster. */
      const destination = (address: string): string => {
        const endpoint = parseAddress(address);
        if (endpoint.transport !== 'tcp')
          return /^redis(-pubsub)?:\/\/redis:6379(\/\d+)?$/.test(address)
            ? 'the configured Redis'
            : `nowhere known: ${address}`;
        const port = services
          .find((service) => nameOf(service) === endpoint.host)
          ?.spec?.ports?.find((candidate) => candidate.port === endpoint.port);
        return port
          ? `Service ${endpoint.host}, port ${port.name} → ${port.targetPort}`
          : `no Service port for ${address}`;
      };
      const expected = (deployable: string, endpoint: Endpoint) =>
        endpoint.transport === 'tcp' ? `Service ${deployable}, port seam-tcp → seam-tcp` : 'the configured Redis';
      expect(Object.fromEntries(addresses.map(([key, address]) => [key, destination(address)]))).toEqual({
        ...Object.fromEntries(
          topology.services.map(({ module, address }) => [overrideName(module), expected(module, address)]),
        ),
        ...(topology.monolith.address
          ? { SEAM_MONOLITH_ADDRESS: expected('monolith', topology.monolith.address) }
          : {}),
      });
      // What a pod does with them: load the image's topology file with the ConfigMap as its environment.
      const seen = loadTopology({ ...configMap!.data, SEAM_TOPOLOGY_FILE: TOPOLOGY_FILE });
      expect(seen.services.map(({ module, address }) => [module, address.transport])).toEqual(
        topology.services.map(({ module, address }) => [module, address.transport]),
      );
    });

    it('gives every container startup and readiness probes on /health, liveness on /health/live, and resource requests and limits', () => {
      for (const deployment of deployments) {
        const [container] = deployment.spec!.template.spec!.containers;
        for (const probe of [container!.startupProbe, container!.readinessProbe]) {
          expect(probe?.httpGet).toEqual({ path: '/health', port: 'http' });
        }
        expect(container!.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container!.ports).toContainEqual(expect.objectContaining({ name: 'http' }));
        expect(container!.resources).toEqual({
          requests: { cpu: expect.any(String), memory: expect.any(String) },
          limits: { cpu: expect.any(String), memory: expect.any(String) },
        });
        expect(container!.image).toBe(IMAGE);
      }
    });

    it("writes no secret: no Secret object, each pod's own secrets only by secretKeyRef, no credentials in any value", () => {
      expect(objects.map((object) => object.kind)).not.toContain('Secret');
      const plan = clusterPlan(topology);
      for (const deployment of deployments) {
        const env = deployment.spec!.template.spec!.containers[0]!.env!;
        const deployable = plan.deployables.find((candidate) => candidate.name === nameOf(deployment))!;
        expect(env.filter((variable) => variable.valueFrom)).toEqual(
          secretKeysOf(deployable, plan).map(({ key, optional }) => ({
            name: key,
            valueFrom: { secretKeyRef: { name: secretNameOf(deployable), key, ...(optional ? { optional } : {}) } },
          })),
        );
        expect(
          env.filter(
            (variable) => /SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL/.test(variable.name) && variable.value !== undefined,
          ),
        ).toEqual([]);
      }
      const text = toYaml(objects);
      expect(text).not.toMatch(/:\/\/[^\s/@]*:[^\s/@]*@/);
      expect(Object.keys(configMap!.data!).filter((key) => /SECRET|PASSWORD|TOKEN|DATABASE_URL/.test(key))).toEqual([]);
    });

    it('autoscales the monolith and each extracted module that can share its work, and only Deployments it generated', () => {
      expect(autoscalers.map(nameOf)).toEqual([
        'monolith',
        ...topology.services
          .filter((service) => !(service.address.transport === 'redis' && service.address.mode === 'pubsub'))
          .map(({ module }) => module),
      ]);
      for (const autoscaler of autoscalers) {
        const target = autoscaler.spec!.scaleTargetRef;
        expect(deployments.map(nameOf)).toContain(target.name);
        expect(target).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: target.name });
        expect(autoscaler.spec!.maxReplicas).toBeGreaterThanOrEqual(autoscaler.spec!.minReplicas!);
      }
    });

    it('hands every process the ConfigMap', () => {
      expect(configMap!.data).toEqual(expect.objectContaining({ SEAM_TOPOLOGY: name }));
      expect(configMap!.data).not.toHaveProperty('SEAM_LISTEN_HOST');
      for (const deployment of deployments)
        expect(deployment.spec!.template.spec!.containers[0]!.envFrom).toContainEqual({
          configMapRef: { name: CONFIG_MAP_NAME },
        });
    });
  });

  it('catches what the schema forbids (the validation is live)', () => {
    const deployment = () => generated('split-tcp').find((object) => object.kind === 'Deployment') as IDeployment;
    const wrongType = deployment();
    (wrongType.spec!.template.spec!.containers[0]!.ports![0] as { containerPort: unknown }).containerPort = '3000';
    expect(schemaErrors(wrongType)).toEqual([expect.stringContaining('containerPort must be integer')]);
    const missing = deployment();
    delete (missing.spec!.template.spec!.containers[0]!.readinessProbe!.httpGet as { port?: unknown }).port;
    expect(schemaErrors(missing)).toEqual([expect.stringContaining('must have required property')]);
    expect(schemaErrors({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).toEqual([
      expect.stringContaining('no schema registered'),
    ]);
  });

  it('points Redis-transport modules at --redis-url, keeping scheme and database', () => {
    const document = {
      modules: ['catalog', 'payments'],
      topologies: {
        r: {
          modules: {
            catalog: { service: 'redis://127.0.0.1:6379/2' },
            payments: { service: 'redis-pubsub://127.0.0.1:6379' },
          },
        },
      },
    };
    const plan = clusterPlan(parseTopology(document, 'r', {}, 'test'), 'redis://cache.infra:6380');
    expect(plan.addresses).toEqual({
      SEAM_CATALOG_ADDRESS: 'redis://cache.infra:6380/2',
      SEAM_PAYMENTS_ADDRESS: 'redis-pubsub://cache.infra:6380',
    });
    // Nest's pub/sub wire format hands every request to every copy: never autoscaled.
    const objects = kubernetesManifests(plan, { image: IMAGE, access });
    expect(ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').map(nameOf)).toEqual([
      'monolith',
      'catalog',
    ]);
    expect(
      ofKind<IDeployment>(objects, 'Deployment').find((deployment) => nameOf(deployment) === 'payments')!.spec!
        .replicas,
    ).toBe(1);
  });

  it('scales the monolith from --monolith-replicas on CPU, unless services reach it over redis-pubsub://', () => {
    // Up to 12 copies of five modules' pools: more than a stock PostgreSQL's 100 connections hold.
    const objects = kubernetesManifests(clusterPlan(shippedTopology('monolith'), { monolithReplicas: 4 }), {
      image: IMAGE,
      access,
      pgMaxConnections: 1_000,
    });
    expect(objects.flatMap(schemaErrors)).toEqual([]);
    const [autoscaler] = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
    expect(autoscaler!.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'monolith' },
      minReplicas: 4,
      maxReplicas: 12,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    });
    expect(ofKind<IDeployment>(objects, 'Deployment')[0]!.spec!.replicas).toBeUndefined();
    for (const wrong of [0, 21, 1.5])
      expect(() => clusterPlan(shippedTopology('monolith'), { monolithReplicas: wrong })).toThrow(
        /--monolith-replicas must be a whole number from 1 to 20/,
      );
    const document = {
      modules: ['catalog', 'payments'],
      topologies: {
        p: {
          monolith: { address: 'redis-pubsub://127.0.0.1:6379' },
          modules: { catalog: 'monolith', payments: { service: 'redis://127.0.0.1:6379' } },
        },
      },
    };
    const pubsub = clusterPlan(parseTopology(document, 'p', {}, 'test'));
    expect(pubsub.deployables[0]).toMatchObject({ name: 'monolith', replicas: 1, scalable: false });
    expect(
      ofKind<IHorizontalPodAutoscaler>(
        kubernetesManifests(pubsub, { image: IMAGE, access }),
        'HorizontalPodAutoscaler',
      ).map(nameOf),
    ).toEqual(['payments']);
    expect(() => clusterPlan(parseTopology(document, 'p', {}, 'test'), { monolithReplicas: 2 })).toThrow(
      /hands every request to every copy/,
    );
  });

  it('puts every object in the namespace it is given', () => {
    const objects = kubernetesManifests(clusterPlan(shippedTopology('mixed')), {
      image: IMAGE,
      namespace: 'shop',
      access,
    });
    expect(new Set(objects.map((object) => object.metadata!.namespace))).toEqual(new Set(['shop']));
  });

  it('refuses a Redis address with credentials or without a port', () => {
    expect(() => clusterPlan(shippedTopology('split-redis'), 'redis://:hunter2@redis:6379')).toThrow(
      /must not carry credentials/,
    );
    expect(() => clusterPlan(shippedTopology('split-redis'), 'redis://redis')).toThrow(/needs a port/);
    expect(() => clusterPlan(shippedTopology('split-redis'), 'tcp://redis:6379')).toThrow(
      /must be redis:\/\/host:port/,
    );
  });
});
