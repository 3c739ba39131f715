import { createHash } from 'node:crypto';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { type ClusterPlan, type Deployable, MAX_DEPLOYABLE_REPLICAS, MONOLITH_INTERNAL_PORT } from './cluster-plan.js';
import { secretKeysOf, secretNameOf } from './deployable-secrets.js';
import type { ContractAccess } from './contract-access.js';
import { DEFAULT_REDIS_SELECTOR, DEFAULT_SCRAPER_NAMESPACE, networkPolicies } from './network-policies.js';

/** The ConfigMap every process reads its topology settings from. */
export const CONFIG_MAP_NAME = 'seam-config';
/**
 * An optional Secret whose keys override the ConfigMap's: where an address carries credentials
 * (`SEAM_PAYMENTS_ADDRESS=redis://:password@redis:6379`).
 */
export const ADDRESS_OVERRIDES_SECRET = 'seam-address-overrides';
/** The UID and GID of the image's `node` user. */
const APP_USER = 1000;
/** HPA ceiling; the topology file and `--monolith-replicas` cap replicas at 20 too. */
const MAX_REPLICAS = MAX_DEPLOYABLE_REPLICAS;

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
}

type ObjectMeta = NonNullable<IDeployment['metadata']>;

/** One object of the output. */
export type KubernetesObject = IConfigMap | IDeployment | IService | IHorizontalPodAutoscaler | INetworkPolicy;

/**
 * The Kubernetes objects of a topology, in the order to apply them: the ConfigMap, the
 * NetworkPolicies (see `networkPolicies`), then for each deployable its Deployment, its Service
 * and, when its copies can share its work (the monolith and extracted modules, unless reached
 * over Nest's pub/sub Redis wire), a HorizontalPodAutoscaler (autoscaling/v2, on CPU). Pure: the same plan and options give the same output.
 *
 * No Secret is generated: each pod reads only its own keys (`secretKeysOf`) from its own Secret
 * `seam-<deployable>-secrets`, by reference. A Deployment under an HPA has no `replicas`, so that re-applying the manifests does
 * not undo the autoscaler's decision; its HPA's `minReplicas` is the topology's replica count.
 */
export function kubernetesManifests(plan: ClusterPlan, options: ManifestOptions): KubernetesObject[] {
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
      deployment(deployable, plan, options, configHash, autoscaled),
      service(deployable, plan.topology, options),
    );
    if (autoscaled) objects.push(autoscaler(deployable, plan.topology, options));
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
): IDeployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(deployable.name, options, labels(deployable, plan.topology)),
    spec: {
      ...(autoscaled ? {} : { replicas: deployable.replicas }),
      selector: { matchLabels: selector(deployable) },
      // One new pod ready before an old one goes: no capacity is lost during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: labels(deployable, plan.topology),
          annotations: { 'seam.config-hash': configHash, ...scrapeAnnotations(deployable) },
        },
        spec: {
          automountServiceAccountToken: false,
          // The app exits within 10 s of SIGTERM; the rest is slack before SIGKILL.
          terminationGracePeriodSeconds: 15,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: APP_USER,
            runAsGroup: APP_USER,
            fsGroup: APP_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [container(deployable, plan, options.image)],
          // The root filesystem is read-only; node and its libraries may still want a /tmp.
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

function container(deployable: Deployable, plan: ClusterPlan, image: string): IContainer {
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
      maxReplicas: Math.min(MAX_REPLICAS, Math.max(3, deployable.replicas * 3)),
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    },
  };
}
