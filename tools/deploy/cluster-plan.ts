import type { Endpoint } from '@seam/transport';
import { formatAddress, overrideName, parseAddress, redact, type Topology, TopologyError } from '@seam/runtime';
import { deployableNameProblems } from './deployable-names.js';

/** The monolith's HTTP port (the image's default `PORT`). */
export const MONOLITH_HTTP_PORT = 3000;
/**
 * The monolith's internal port on a cluster (`SEAM_INTERNAL_PORT`): `/metrics`, `/docs` and
 * `/docs-json`, off the public port. 9464 is the port Prometheus exporters of OpenTelemetry use.
 */
export const MONOLITH_INTERNAL_PORT = 9464;
/**
 * The HTTP port of a service whose topology leaves it to chance (`httpPort: 0`): a pod has its own
 * network, so any fixed port does — the next one up when the service's own TCP port is 8080.
 */
export const DEFAULT_SERVICE_HTTP_PORT = 8080;
/** Where Redis-transport topologies find Redis when `--redis-url` is not given; Redis itself is not deployed. */
export const DEFAULT_REDIS_URL = 'redis://redis:6379';
/**
 * The monolith's copies on a cluster when `--monolith-replicas` is not given: two, so that a
 * rollout, a lost node or a crash never leaves the edge with no copy to answer.
 */
export const DEFAULT_MONOLITH_REPLICAS = 2;
/** The most copies a deployable may start with (the topology file's ceiling for services too). */
export const MAX_DEPLOYABLE_REPLICAS = 20;

/** What a cluster plan needs besides the topology. */
export interface ClusterPlanOptions {
  /** The Redis of Redis-transport modules (default {@link DEFAULT_REDIS_URL}). */
  readonly redisUrl?: string;
  /** The monolith's copies, the floor of its autoscaler (default {@link DEFAULT_MONOLITH_REPLICAS}). */
  readonly monolithReplicas?: number;
}

/** One process kind of a topology, deployed as a Kubernetes Deployment + Service (or a compose service). */
export interface Deployable {
  /** Its Deployment, Service and DNS name: `monolith`, or the module's name. */
  readonly name: string;
  /** What the image runs (`SEAM_APP`): `monolith` or `<module>-service`. */
  readonly app: string;
  /** The module it serves, for a service. */
  readonly module?: string;
  /** Every module whose door this process serves: the service's module, or the monolith's local modules. */
  readonly hosts: readonly string[];
  /** Its HTTP port (`PORT`): `/health` and, for services, `/metrics`. */
  readonly httpPort: number;
  /** The port of its Seam TCP server, when other processes dial it over TCP. */
  readonly tcpPort?: number;
  /** How many copies the topology asks for (the monolith: the plan's `monolithReplicas`). */
  readonly replicas: number;
  /**
   * Whether more copies may share its work: not for Nest's pub/sub Redis wire format, which hands
   * every request to every copy.
   */
  readonly scalable: boolean;
}

/** What a topology becomes on a cluster: its processes and the address of every remote module. */
export interface ClusterPlan {
  readonly topology: string;
  readonly deployables: readonly Deployable[];
  /**
   * Environment shared by every process: `SEAM_<MODULE>_ADDRESS` of each service and
   * `SEAM_MONOLITH_ADDRESS`, rewritten to cluster DNS names (TCP) or to the Redis address.
   */
  readonly addresses: Readonly<Record<string, string>>;
  /** The Redis that the topology's Redis-transport modules talk through, when any does. */
  readonly redis?: { readonly host: string; readonly port: number };
}

/**
 * Works out the processes of a topology and the addresses they reach each other by on a cluster:
 * a TCP address becomes `tcp://<deployable>:<port>` (the Service's DNS name), a Redis address
 * keeps its mode (`redis-pubsub://`) and database but points at `redisUrl`'s host and port, over
 * TLS (`rediss://`) when either `redisUrl` or the topology's address says so.
 *
 * The monolith runs `monolithReplicas` copies and may run more: on a cluster every module keeps
 * its data in PostgreSQL, where copies share the work safely — the outbox relays and the saga
 * recovery claim rows (`FOR UPDATE SKIP LOCKED`, leases), inboxes apply an event once, placements
 * are idempotent per key, migrations take an advisory lock (test/faults/monolith-replicas). Not
 * when services reach its modules over Nest's pub/sub Redis wire, which hands every request to
 * every copy.
 *
 * @throws Error when `redisUrl` is not a `redis://host:port` (or `rediss://`) address, names a
 *   database or carries credentials
 *   (addresses live in a ConfigMap, which is not secret), or `monolithReplicas` is not a whole
 *   number from 1 to {@link MAX_DEPLOYABLE_REPLICAS}.
 * @throws TopologyError naming every deployable that would listen twice on one port of its pod
 *   (its HTTP, internal and TCP ports), which Kubernetes refuses, or whose name cannot become its
 *   objects' (`deployableNameProblems`).
 */
export function clusterPlan(topology: Topology, options: string | ClusterPlanOptions = {}): ClusterPlan {
  const { redisUrl = DEFAULT_REDIS_URL, monolithReplicas } =
    typeof options === 'string' ? { redisUrl: options } : options;
  const redis = parseRedisUrl(redisUrl);
  const addresses: Record<string, string> = {};
  const monolithAddress = topology.monolith.address;
  const pubsub = monolithAddress?.transport === 'redis' && monolithAddress.mode === 'pubsub';
  if (
    monolithReplicas !== undefined &&
    (!Number.isInteger(monolithReplicas) || monolithReplicas < 1 || monolithReplicas > MAX_DEPLOYABLE_REPLICAS)
  )
    throw new Error(
      `--monolith-replicas must be a whole number from 1 to ${MAX_DEPLOYABLE_REPLICAS}, got ${monolithReplicas}`,
    );
  if (pubsub && (monolithReplicas ?? 1) > 1)
    throw new Error(
      `--monolith-replicas ${monolithReplicas}: services reach the monolith over redis-pubsub://, which hands every request to every copy; give it a redis:// or tcp:// address`,
    );
  const deployables: Deployable[] = [
    {
      name: 'monolith',
      app: 'monolith',
      hosts: [...topology.monolith.modules],
      httpPort: MONOLITH_HTTP_PORT,
      ...(monolithAddress?.transport === 'tcp' ? { tcpPort: monolithAddress.port } : {}),
      replicas: pubsub ? 1 : (monolithReplicas ?? DEFAULT_MONOLITH_REPLICAS),
      scalable: !pubsub,
    },
  ];
  if (monolithAddress) addresses.SEAM_MONOLITH_ADDRESS = clusterAddress(monolithAddress, 'monolith', redis);
  for (const service of topology.services) {
    deployables.push({
      name: service.module,
      app: `${service.module}-service`,
      module: service.module,
      hosts: [service.module],
      httpPort: serviceHttpPort(
        service.httpPort,
        service.address.transport === 'tcp' ? service.address.port : undefined,
      ),
      ...(service.address.transport === 'tcp' ? { tcpPort: service.address.port } : {}),
      replicas: service.replicas,
      scalable: !(service.address.transport === 'redis' && service.address.mode === 'pubsub'),
    });
    addresses[overrideName(service.module)] = clusterAddress(service.address, service.module, redis);
  }
  const usesRedis = [topology.monolith.address, ...topology.services.map((service) => service.address)].some(
    (endpoint) => endpoint?.transport === 'redis',
  );
  const clashes = [
    ...deployables.flatMap(portClashes),
    ...deployableNameProblems(deployables, usesRedis ? { host: redis.hostname } : undefined),
  ];
  if (clashes.length > 0) throw new TopologyError(`topology "${topology.name}" on a cluster`, clashes);
  return {
    topology: topology.name,
    deployables,
    addresses,
    ...(usesRedis ? { redis: { host: redis.hostname, port: Number(redis.port) } } : {}),
  };
}

/**
 * The most copies a deployable runs: its autoscaler's ceiling (three times its floor, at least 3,
 * at most {@link MAX_DEPLOYABLE_REPLICAS}) when its copies can share its work, else its count.
 */
export function maxReplicasOf(deployable: Deployable): number {
  if (!deployable.scalable) return deployable.replicas;
  return Math.min(MAX_DEPLOYABLE_REPLICAS, Math.max(3, deployable.replicas * 3));
}

/** A service's HTTP port: the topology's, or the default unless its own TCP server has that port. */
function serviceHttpPort(httpPort: number, tcpPort: number | undefined): number {
  if (httpPort !== 0) return httpPort;
  return tcpPort === DEFAULT_SERVICE_HTTP_PORT ? DEFAULT_SERVICE_HTTP_PORT + 1 : DEFAULT_SERVICE_HTTP_PORT;
}

/**
 * Ports a deployable's pod would open twice: its container ports and its Service's ports must
 * differ, and the monolith's HTTP and internal ports are fixed here, not in the topology file.
 */
function portClashes(deployable: Deployable): string[] {
  const who = deployable.module === undefined ? 'the monolith' : `module "${deployable.module}"`;
  const uses: Array<readonly [string, number | undefined]> = [
    [deployable.module === undefined ? 'its HTTP port (PORT)' : 'its "httpPort"', deployable.httpPort],
    ...(deployable.module === undefined
      ? [['its internal port (SEAM_INTERNAL_PORT: /metrics, /docs)', MONOLITH_INTERNAL_PORT] as const]
      : []),
    ['the TCP port of its address', deployable.tcpPort],
  ];
  const clashes: string[] = [];
  const seen = new Map<number, string>();
  for (const [use, port] of uses) {
    if (port === undefined) continue;
    const first = seen.get(port);
    if (first === undefined) seen.set(port, use);
    else
      clashes.push(
        `port clash on a cluster: ${who} would listen on ${port} twice, as ${first} and as ${use}; give its address another port`,
      );
  }
  return clashes;
}

function clusterAddress(endpoint: Endpoint, dnsName: string, redis: URL): string {
  switch (endpoint.transport) {
    case 'tcp':
      return `tcp://${dnsName}:${endpoint.port}`;
    case 'redis': {
      const written = new URL(endpoint.url);
      const database = written.pathname.replace(/^\/$/, '');
      // TLS when either side asks for it: a plan never turns off the TLS its topology asks for.
      const tls = redis.protocol === 'rediss:' || written.protocol === 'rediss:';
      return formatAddress({ ...endpoint, url: `${tls ? 'rediss' : 'redis'}://${redis.host}${database}` });
    }
    case 'in-process':
      throw new Error(`"${dnsName}" has an in-process address, which no other process can reach`);
  }
}

/**
 * Reads the address of the Redis that Redis-transport modules use on the cluster:
 * `redis://host:port`, or `rediss://host:port` for TLS.
 *
 * @throws Error when it is neither, names a database (`/5`: each module's database number is its
 *   topology address's, which the plan keeps), or carries credentials (addresses go into a
 *   ConfigMap, which is not secret).
 */
export function parseRedisUrl(redisUrl: string): URL {
  let endpoint: Endpoint;
  try {
    endpoint = parseAddress(redisUrl);
  } catch (error) {
    throw new Error(`--redis-url: ${(error as Error).message}`, { cause: error });
  }
  if (endpoint.transport !== 'redis' || endpoint.mode !== 'streams')
    throw new Error(`--redis-url must be redis://host:port or rediss://host:port (TLS), got "${redact(redisUrl)}"`);
  const url = new URL(endpoint.url);
  if (url.username || url.password) {
    throw new Error(
      '--redis-url must not carry credentials: addresses go into a ConfigMap; put an authenticated address in the Secret "seam-address-overrides" instead (see docs/deploy.md)',
    );
  }
  const written = new URL(redisUrl); // parseAddress drops a query or fragment; refused, not dropped
  if (url.pathname.replace(/^\/$/, '') !== '' || written.search || written.hash)
    throw new Error(
      `--redis-url must be only a scheme, host and port, got "${redact(redisUrl)}": each module's database number comes from its topology address (redis://…/2), which the manifests keep`,
    );
  if (!url.port) throw new Error(`--redis-url needs a port (redis://host:6379), got "${redisUrl}"`);
  return url;
}
