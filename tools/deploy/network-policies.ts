import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { ClusterPlan, Deployable } from './cluster-plan.js';
import { ANY_CALLER, ContractAccessError, EDGE_CALLER } from './contract-access.js';

/** Where the metrics scraper (Prometheus) runs: the only peer admitted to `/metrics` and the docs. */
export interface ScraperPeer {
  /** Its namespace; its pods are admitted whatever their labels. */
  readonly namespace: string;
}

/** The default {@link ScraperPeer}: the namespace kube-prometheus-stack and most guides install into. */
export const DEFAULT_SCRAPER_NAMESPACE = 'monitoring';
/** A pod of the app's own namespace with this label set to `"true"` may scrape too (a sidecar Prometheus, a debug pod). */
export const SCRAPER_LABEL = 'seam.io/metrics-scraper';
/** Labels of the operator's Redis pods, which the Redis policy protects. */
export const DEFAULT_REDIS_SELECTOR: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'redis' };

/** What the policies need besides the plan. */
export interface PolicyOptions {
  /** module → caller name → what it may call there (`contractCallers`). */
  readonly callers: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  readonly scraper: ScraperPeer;
  /** Labels of the Redis pods, for topologies whose modules talk through Redis. */
  readonly redisSelector: Readonly<Record<string, string>>;
  /** Builds an object's metadata (name, namespace, labels), as for every other object. */
  readonly metadata: (name: string) => NonNullable<INetworkPolicy['metadata']>;
  /** The pod labels a Deployment's selector matches. */
  readonly podSelector: (deployable: Deployable) => Record<string, string>;
}

/** Labels every pod of the app carries. */
const APP_PODS = { 'app.kubernetes.io/part-of': 'seam' };

/**
 * The NetworkPolicies of a plan (networking.k8s.io/v1, ingress only; egress stays open):
 *
 * - `seam-default-deny`: no ingress to any pod of the app unless a policy below admits it;
 * - `seam-<deployable>` per process: its Seam TCP port (`seam-tcp`) from the pods of the processes
 *   that host a caller the contracts allow for a module it hosts (from anywhere when an entry is
 *   `ANY_CALLER`), its HTTP port from the scraper (a service's HTTP port serves only `/health` and
 *   `/metrics`) — the monolith's HTTP port from anywhere (it is the public edge) and its internal
 *   port (`/metrics`, `/docs`) from the scraper;
 * - `seam-redis`, when modules talk through Redis: the Redis pods admit the app's pods only. Who
 *   may send what to whom is then Redis' job (ACL users per service): a NetworkPolicy sees
 *   connections to Redis, not the streams they write.
 *
 * Kubelet probes come from the node, which CNI plugins (Calico, Cilium, …) admit to its own pods
 * whatever the policy says; they need no rule here.
 *
 * @throws ContractAccessError when a caller the contracts name is neither a module with a
 *   contract, the edge, nor a part of the monolith (`appParts`).
 */
export function networkPolicies(
  plan: ClusterPlan,
  options: PolicyOptions,
  appParts: readonly string[],
): INetworkPolicy[] {
  const hostOf = new Map(
    plan.deployables.flatMap((deployable) => deployable.hosts.map((module) => [module, deployable])),
  );
  const monolith = plan.deployables.find((deployable) => deployable.module === undefined)!;
  const scrapers: INetworkPolicyPeer[] = [
    { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.scraper.namespace } } },
    { podSelector: { matchLabels: { [SCRAPER_LABEL]: 'true' } } },
  ];
  const peerOf = (caller: string, module: string): Deployable | undefined => {
    const host = hostOf.get(caller);
    if (host) return host;
    if (caller === EDGE_CALLER || appParts.includes(caller)) return monolith;
    // A module with a contract that this topology does not run: no pod to admit.
    if (options.callers.has(caller)) return undefined;
    throw new ContractAccessError(
      `"${caller}", a caller of module "${module}", is neither a module of topology "${plan.topology}", the edge, nor a part of the monolith (${appParts.join(', ')})`,
    );
  };
  const policies: INetworkPolicy[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: options.metadata('seam-default-deny'),
      spec: { podSelector: { matchLabels: APP_PODS }, policyTypes: ['Ingress'], ingress: [] },
    },
  ];
  for (const deployable of plan.deployables) {
    const ingress: NonNullable<NonNullable<INetworkPolicy['spec']>['ingress']> = [];
    if (deployable.tcpPort !== undefined) {
      const callers = new Set<string>();
      let open = false;
      for (const module of deployable.hosts) {
        for (const caller of options.callers.get(module)?.keys() ?? []) {
          if (caller === ANY_CALLER) open = true;
          else {
            const peer = peerOf(caller, module);
            if (peer && peer !== deployable) callers.add(peer.name);
          }
        }
      }
      const from = [...callers].toSorted().map((name) => ({
        podSelector: { matchLabels: options.podSelector(plan.deployables.find((d) => d.name === name)!) },
      }));
      // No `from` admits every source; an empty one admits none, so leave the rule out.
      if (open) ingress.push({ ports: [{ port: 'seam-tcp', protocol: 'TCP' }] });
      else if (from.length > 0) ingress.push({ ports: [{ port: 'seam-tcp', protocol: 'TCP' }], from });
    }
    if (deployable === monolith) {
      ingress.push({ ports: [{ port: 'http', protocol: 'TCP' }] });
      ingress.push({ ports: [{ port: 'internal', protocol: 'TCP' }], from: scrapers });
    } else {
      ingress.push({ ports: [{ port: 'http', protocol: 'TCP' }], from: scrapers });
    }
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: options.metadata(`seam-${deployable.name}`),
      spec: { podSelector: { matchLabels: options.podSelector(deployable) }, policyTypes: ['Ingress'], ingress },
    });
  }
  if (plan.redis) {
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: options.metadata('seam-redis'),
      spec: {
        podSelector: { matchLabels: { ...options.redisSelector } },
        policyTypes: ['Ingress'],
        ingress: [
          { ports: [{ port: plan.redis.port, protocol: 'TCP' }], from: [{ podSelector: { matchLabels: APP_PODS } }] },
        ],
      },
    });
  }
  return policies;
}
