import { resolve } from 'node:path';
import {
  bindHostFrom,
  DEFAULT_TOPOLOGY_FILE,
  formatAddress,
  loadTopology,
  meshIdentities,
  meshSelf,
  overrideName,
  portFromEnv,
  type ProcessRole,
  redact,
  serviceHttpHost,
  serviceReadyLine,
  type Topology,
} from '@seam/runtime';
import { deriveMeshKeys, type Endpoint } from '@seam/transport';

/** A port a process of the topology will listen on, checked free before anything starts. */
export interface PlannedListener {
  /** The host it binds (undefined: every interface, as the monolith's public port). */
  readonly host: string | undefined;
  readonly port: number;
  /** Who needs it and why, for the error message (`the orders service (tcp://127.0.0.1:4105)`). */
  readonly owner: string;
}

/** One process to start: the monolith, or one copy of a module's service. */
export interface PlannedProcess {
  /** What its output lines are prefixed with: `monolith`, `orders`, `inventory#2`. */
  readonly name: string;
  readonly role: ProcessRole;
  /** Its built entry file, relative to the working directory (`nest build --all`, rspack.config.js). */
  readonly entry: string;
  /** Changes to the tool's own environment: a value replaces, `undefined` removes. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The line it prints once it serves (its HTTP port comes with {@link httpLine}). */
  readonly readyLine: RegExp;
  /** A line it prints with its HTTP port in the first group. */
  readonly httpLine: RegExp;
  /**
   * Its transport address with any password masked, for the summary, which is printed (none for a
   * monolith that is only the edge).
   */
  readonly address?: string;
  readonly listeners: readonly PlannedListener[];
}

/** Everything {@link planTopology} decided: what runs where, and what must be there first. */
export interface TopologyPlan {
  readonly topology: Topology;
  /** Services first (every copy), the monolith last: the edge calls them as soon as it is up. */
  readonly processes: readonly PlannedProcess[];
  /** The Redis servers the topology's addresses name (after `REDIS_URL`), each checked reachable. */
  readonly redis: readonly Endpoint[];
}

const MONOLITH_LISTENING = /Listening on http:\/\/localhost:(\d+)/;
const SERVICE_HEALTH_AT = /Health: http:\/\/localhost:(\d+)\/health/;
/** The key id of the run's mesh keys: they live in memory for one run, so no rotation is ever needed. */
const KEY_ID = 'local';

/**
 * Plans a local run of one topology of the topology file (`SEAM_TOPOLOGY_FILE`, default
 * `./topologies.json`) on the topology's own ports: every process, its environment and the ports
 * it will take. `REDIS_URL` moves every `redis://` address that no `SEAM_<MODULE>_ADDRESS`
 * overrides. Each process gets the pair keys of its own modules (`SEAM_MESH_KEYS`) derived from
 * `master`, as `npm run mesh:keys` would, so that no process runs unauthenticated.
 *
 * @throws TopologyError for an unknown topology (naming the ones the file has) or a bad one.
 */
export function planTopology(name: string, env: NodeJS.ProcessEnv, cwd: string, master: Buffer): TopologyPlan {
  const file = resolve(cwd, env.SEAM_TOPOLOGY_FILE?.trim() || DEFAULT_TOPOLOGY_FILE);
  const base = { ...env, SEAM_TOPOLOGY: name, SEAM_TOPOLOGY_FILE: file };
  const moved = redisMoves(loadTopology(base), env);
  const topology = loadTopology({ ...base, ...moved });
  const shared = { SEAM_TOPOLOGY: name, SEAM_TOPOLOGY_FILE: file, ...moved };
  const meshKeys = (role: ProcessRole) =>
    JSON.stringify(
      deriveMeshKeys({
        master,
        keyIds: [KEY_ID],
        self: meshSelf(topology, role),
        identities: meshIdentities(topology),
      }),
    );
  // A developer's own keys would be the wrong pairs for all processes but one, or absent.
  const keysOf = (role: ProcessRole) => ({ SEAM_MESH_KEYS: meshKeys(role), SEAM_MESH_KEYS_FILE: undefined });
  const listenHost = (host: string) => bindHostFrom('SEAM_LISTEN_HOST', env.SEAM_LISTEN_HOST) ?? host;

  const processes: PlannedProcess[] = topology.services.flatMap((service) =>
    Array.from({ length: service.replicas }, (_unused, copy): PlannedProcess => {
      const role = { kind: 'service', module: service.module } as const;
      const address = service.address;
      const owner = `the ${service.module} service`;
      return {
        name: service.replicas > 1 ? `${service.module}#${copy + 1}` : service.module,
        role,
        entry: `dist/apps/${service.module}-service/main.js`,
        // PORT is the monolith's: a service given it would take the edge's port instead of its httpPort.
        env: { ...shared, ...keysOf(role), PORT: undefined },
        readyLine: new RegExp(`${serviceReadyLine(service.module)}\\b`),
        httpLine: SERVICE_HEALTH_AT,
        address: redact(formatAddress(address)),
        listeners:
          copy > 0
            ? []
            : [
                ...(address.transport === 'tcp'
                  ? [
                      {
                        host: listenHost(address.host),
                        port: address.port,
                        owner: `${owner} (${formatAddress(address)})`,
                      },
                    ]
                  : []),
                ...(service.httpPort !== 0
                  ? [{ host: serviceHttpHost(env), port: service.httpPort, owner: `${owner}'s HTTP port (httpPort)` }]
                  : []),
              ],
      };
    }),
  );
  const edgePort = portFromEnv(env);
  const served = topology.monolith.address;
  processes.push({
    name: 'monolith',
    role: { kind: 'monolith' },
    entry: 'dist/apps/monolith/main.js',
    env: { ...shared, ...keysOf({ kind: 'monolith' }) },
    readyLine: MONOLITH_LISTENING,
    httpLine: MONOLITH_LISTENING,
    ...(served ? { address: redact(formatAddress(served)) } : {}),
    listeners: [
      ...(edgePort !== 0
        ? [
            {
              host: bindHostFrom('SEAM_HTTP_HOST', env.SEAM_HTTP_HOST),
              port: edgePort,
              owner: `the monolith's HTTP port (PORT, default 3000)`,
            },
          ]
        : []),
      ...(served?.transport === 'tcp'
        ? [{ host: listenHost(served.host), port: served.port, owner: `the monolith (${formatAddress(served)})` }]
        : []),
    ],
  });
  return { topology, processes, redis: redisEndpoints(topology) };
}

/** `SEAM_<MODULE>_ADDRESS` overrides that send the topology's Redis addresses to `REDIS_URL`. */
function redisMoves(topology: Topology, env: NodeJS.ProcessEnv): Record<string, string> {
  const url = env.REDIS_URL?.trim();
  if (!url) return {};
  const moves: Record<string, string> = {};
  const move = (endpoint: Endpoint | undefined, variable: string) => {
    if (endpoint?.transport !== 'redis' || env[variable]?.trim()) return;
    moves[variable] = endpoint.mode === 'pubsub' ? url.replace(/^(rediss?):/, '$1-pubsub:') : url;
  };
  for (const service of topology.services) move(service.address, overrideName(service.module));
  move(topology.monolith.address, 'SEAM_MONOLITH_ADDRESS');
  return moves;
}

function redisEndpoints(topology: Topology): Endpoint[] {
  const all = [topology.monolith.address, ...topology.services.map(({ address }) => address)];
  const byUrl = new Map<string, Endpoint>();
  for (const endpoint of all) if (endpoint?.transport === 'redis') byUrl.set(endpoint.url, endpoint);
  return [...byUrl.values()];
}
