import { createHash } from 'node:crypto';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { type ClusterPlan, type Deployable, maxReplicasOf, MONOLITH_INTERNAL_PORT } from './cluster-plan.js';
import { databasePoolSize, DEFAULT_PG_MAX_CONNECTIONS } from './connection-budget.js';
import { secretKeysOf, secretNameOf } from './deployable-secrets.js';
import type { ContractAccess } from './contract-access.js';
import { DEFAULT_REDIS_SELECTOR, DEFAULT_SCRAPER_NAMESPACE, networkPolicies } from './network-policies.js';
import {
  disruptionBudget,
  PRE_STOP_SLEEP,
  ROLLING_UPDATE,
  spreadOverNodes,
  TERMINATION_GRACE_PERIOD_SECONDS,
} from './rollout.js';

/** The ConfigMap every process reads its topology settings from. */
export const CONFIG_MAP_NAME = 'seam-config';
/**
 * An optional Secret whose keys override the ConfigMap's: where an address carries credentials
 * (`SEAM_PAYMENTS_ADDRESS=redis://:password@redis:6379`).
 */
export const ADDRESS_OVERRIDES_SECRET = 'seam-address-overrides';
/** The UID and GID of the image's `node` user. */
const APP_USER = 1000;

/** What a cluster needs besides the topology. */
export interface ManifestOptions {
  /** The image reference, with a tag or digest (`registry.example.com/seam:0.1.0`). */
  readonly image: string;
  /** Namespace to put every object in; none = the one `kubectl` applies to. */
  readonly namespace?: string;
  /** Who may call each module, from the contracts (`contractAccess`): the NetworkPolicies follow it. */
  readonly access: ContractAccess;
  /** Namespace of the metrics scraper (default {@link DEFAULT_SCRAPER_NAMESPACE}). */
  readonly scraperNamespace?: string;
  /** Labels of the Redis pods, for Redis-transport topologies (default `app.kubernetes.io/name=redis`). */
  readonly redisSelector?: Readonly<Record<string, string>>;
  /**
   * `max_connections` of the PostgreSQL server every module's schema is on (default
   * {@link DEFAULT_PG_MAX_CONNECTIONS}): each process's `DATABASE_POOL_SIZE` is cut to fit it
   * (`databasePoolSize`).
   */
  readonly pgMaxConnections?: number;
}

type ObjectMeta = NonNullable<IDeployment['metadata']>;

/** One object of the output. */
export type KubernetesObject =
  IConfigMap | IDeployment | IService | IHorizontalPodAutoscaler | IPodDisruptionBudget | INetworkPolicy;

/**
 * The Kubernetes objects of a topology, in the order to apply them: the ConfigMap, the
 * NetworkPolicies (see `networkPolicies`), then for each deployable its Deployment, its Service
 * and, when its copies can share its work (the monolith and extracted modules, unless reached
 * over Nest's pub/sub Redis wire), a HorizontalPodAutoscaler (autoscaling/v2, on CPU); and when it
 * may run copies, a PodDisruptionBudget and a spread of its pods over nodes (`rollout.ts`). A
 * stopping pod pauses before its SIGTERM (`PRE_STOP_SLEEP`), so that no request reaches a stopped
 * process. Each process that hosts a module gets a `DATABASE_POOL_SIZE` that fits `pgMaxConnections`.
 * Pure: the same plan and options give the same output.
 *
 * No Secret is generated: each pod reads only its own keys (`secretKeysOf`) from its own Secret
 * `seam-<deployable>-secrets`, by reference. A Deployment under an HPA has no `replicas`, so that re-applying the manifests does
 * not undo the autoscaler's decision; its HPA's `minReplicas` is the topology's replica count.
 *
 * @throws ConnectionBudgetError when `pgMaxConnections` cannot give every pool its minimum.
 */
export function kubernetesManifests(plan: ClusterPlan, options: ManifestOptions): KubernetesObject[] {
  const poolSize = databasePoolSize(plan, options.pgMaxConnections ?? DEFAULT_PG_MAX_CONNECTIONS);
  const configMap: IConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(CONFIG_MAP_NAME, options, { 'app.kubernetes.io/part-of': 'seam' }),
    data: { SEAM_TOPOLOGY: plan.topology, ...plan.addresses },
  };
  // Pods restart when their configuration changes, which a ConfigMap change alone does not do.
  const configHash = createHash('sha256').update(JSON.stringify(configMap.data)).digest('hex').slice(0, 16);
  const objects: KubernetesObject[] = [
    configMap,
    ...networkPolicies(
      plan,
      {
        callers: options.access.callers,
        scraper: { namespace: options.scraperNamespace ?? DEFAULT_SCRAPER_NAMESPACE },
        redisSelector: options.redisSelector ?? DEFAULT_REDIS_SELECTOR,
        metadata: (name) => metadata(name, options, { 'app.kubernetes.io/part-of': 'seam' }),
        podSelector: selector,
      },
      options.access.appParts,
    ),
  ];
  for (const deployable of plan.deployables) {
    const autoscaled = deployable.scalable;
    objects.push(
      deployment(deployable, plan, options, configHash, autoscaled, poolSize),
      service(deployable, plan.topology, options),
    );
    if (autoscaled) objects.push(autoscaler(deployable, plan.topology, options));
    const budget = disruptionBudget(
      deployable,
      metadata(deployable.name, options, labels(deployable, plan.topology)),
      selector(deployable),
    );
    if (budget) objects.push(budget);
  }
  return objects;
}

const labels = (deployable: Deployable, topology: string) => ({
  'app.kubernetes.io/name': deployable.name,
  'app.kubernetes.io/component': deployable.module ? 'module-service' : 'edge',
  'app.kubernetes.io/part-of': 'seam',
  'seam.topology': topology,
});

const selector = (deployable: Deployable) => ({
  'app.kubernetes.io/name': deployable.name,
  'app.kubernetes.io/part-of': 'seam',
});

function metadata(name: string, options: ManifestOptions, objectLabels: Record<string, string>): ObjectMeta {
  return {
    name,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    labels: { ...objectLabels, 'app.kubernetes.io/managed-by': 'seam-deploy-k8s' },
  };
}

function deployment(
  deployable: Deployable,
  plan: ClusterPlan,
  options: ManifestOptions,
  configHash: string,
  autoscaled: boolean,
  poolSize: number | undefined,
): IDeployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(deployable.name, options, labels(deployable, plan.topology)),
    spec: {
      ...(autoscaled ? {} : { replicas: deployable.replicas }),
      selector: { matchLabels: selector(deployable) },
      strategy: ROLLING_UPDATE,
      template: {
        metadata: {
          labels: labels(deployable, plan.topology),
          annotations: { 'seam.config-hash': configHash, ...scrapeAnnotations(deployable) },
        },
        spec: {
          automountServiceAccountToken: false,
          // The preStop pause, the app's 10 s after SIGTERM (SHUTDOWN_DEADLINE_MS), then slack before SIGKILL.
          terminationGracePeriodSeconds: TERMINATION_GRACE_PERIOD_SECONDS,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: APP_USER,
            runAsGroup: APP_USER,
            fsGroup: APP_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [container(deployable, plan, options.image, poolSize)],
          topologySpreadConstraints: spreadOverNodes(deployable, selector(deployable)),
          // The root filesystem is read-only; node and its libraries may still want a /tmp.
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

function container(deployable: Deployable, plan: ClusterPlan, image: string, poolSize: number | undefined): IContainer {
  const probe = (path: string, overrides: Partial<IProbe>): IProbe => ({
    httpGet: { path, port: 'http' },
    timeoutSeconds: 3,
    ...overrides,
  });
  const health = (overrides: Partial<IProbe>) => probe('/health', overrides);
  return {
    name: deployable.app,
    image,
    env: [
      { name: 'SEAM_APP', value: deployable.app },
      { name: 'PORT', value: String(deployable.httpPort) },
      // A service's /health and /metrics bind loopback by default; the kubelet's probes and the
      // scraper reach the pod's address. (The edge's public port binds every interface already.)
      ...(deployable.module === undefined ? [] : [{ name: 'SEAM_HTTP_HOST', value: '0.0.0.0' }]),
      // Only a process that other pods dial over TCP binds beyond its loopback (the default).
      ...(deployable.tcpPort === undefined ? [] : [{ name: 'SEAM_LISTEN_HOST', value: '0.0.0.0' }]),
      // The edge's /metrics and /docs: on the pod's address, for the scraper its NetworkPolicy admits.
      ...(deployable.module === undefined
        ? [
            { name: 'SEAM_INTERNAL_PORT', value: String(MONOLITH_INTERNAL_PORT) },
            { name: 'SEAM_INTERNAL_HOST', value: '0.0.0.0' },
          ]
        : []),
      // Its share of PostgreSQL's connections, per module it hosts (connection-budget.ts).
      ...(poolSize === undefined || deployable.hosts.length === 0
        ? []
        : [{ name: 'DATABASE_POOL_SIZE', value: String(poolSize) }]),
      ...secretKeysOf(deployable, plan).map(({ key, optional }) => ({
        name: key,
        valueFrom: { secretKeyRef: { name: secretNameOf(deployable), key, ...(optional ? { optional } : {}) } },
      })),
    ],
    // Later sources win: an address in the optional overrides Secret replaces the ConfigMap's.
    envFrom: [
      { configMapRef: { name: CONFIG_MAP_NAME } },
      { secretRef: { name: ADDRESS_OVERRIDES_SECRET, optional: true } },
    ],
    ports: [
      { name: 'http', containerPort: deployable.httpPort, protocol: 'TCP' as const },
      ...(deployable.module === undefined
        ? [{ name: 'internal', containerPort: MONOLITH_INTERNAL_PORT, protocol: 'TCP' as const }]
        : []),
      ...(deployable.tcpPort === undefined
        ? []
        : [{ name: 'seam-tcp', containerPort: deployable.tcpPort, protocol: 'TCP' as const }]),
    ],
    // Start-up includes the migrations: up to 2 minutes before liveness may judge.
    startupProbe: health({ periodSeconds: 2, failureThreshold: 60 }),
    readinessProbe: health({ periodSeconds: 5, failureThreshold: 2 }),
    // Liveness asks only whether the process answers: /health also fails while the database is
    // down, and restarting every pod would not bring the database back.
    livenessProbe: probe('/health/live', { periodSeconds: 10, failureThreshold: 3 }),
    // Serving on while Services and callers learn that the pod is going: SIGTERM comes after.
    lifecycle: PRE_STOP_SLEEP,
    // Identity hashes passwords with scrypt at up to 256 MiB at once (HASHING_MEMORY_BUDGET_BYTES)
    // on top of a process's usual memory: hence the higher limits of identity's service and of the
    // edge (which hosts identity unless the topology extracts it).
    resources: deployable.module
      ? {
          requests: { cpu: '100m', memory: '192Mi' },
          limits: { cpu: '1', memory: deployable.module === 'identity' ? '640Mi' : '384Mi' },
        }
      : { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '2', memory: '768Mi' } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/** Prometheus' conventional pod annotations: where its `/metrics` is (the edge's internal port, a service's HTTP port). */
function scrapeAnnotations(deployable: Deployable): Record<string, string> {
  const port = deployable.module === undefined ? MONOLITH_INTERNAL_PORT : deployable.httpPort;
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' };
}

function service(deployable: Deployable, topology: string, options: ManifestOptions): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(deployable.name, options, labels(deployable, topology)),
    spec: {
      type: 'ClusterIP',
      selector: selector(deployable),
      ports: [
        { name: 'http', port: deployable.httpPort, targetPort: 'http', protocol: 'TCP' as const },
        ...(deployable.tcpPort === undefined
          ? []
          : [{ name: 'seam-tcp', port: deployable.tcpPort, targetPort: 'seam-tcp', protocol: 'TCP' as const }]),
      ],
    },
  };
}

function autoscaler(deployable: Deployable, topology: string, options: ManifestOptions): IHorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(deployable.name, options, labels(deployable, topology)),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployable.name },
      minReplicas: deployable.replicas,
      maxReplicas: maxReplicasOf(deployable),
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    },
  };
}
