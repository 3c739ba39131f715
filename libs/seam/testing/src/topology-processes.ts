import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  meshIdentities,
  meshSelf,
  parseTopology,
  type ProcessRole,
  SEAM_NODE_FLAGS,
  serviceReadyLine,
  type Topology,
} from '@seam/runtime';
import { deriveMeshKeys, MeshKeys } from '@seam/transport';
import { freePort } from './free-port.js';
import { type ServiceProcess, spawnService } from './spawn-service.js';
import { movedAddresses, portPrinted } from './topology-addresses.js';

/** Where the build writes each app's entry file (`nest build --all`, rspack.config.js). */
export const builtEntry = (app: string) => `dist/apps/${app}/main.js`;

const MONOLITH_LISTENING = /Listening on http:\/\/localhost:(\d+)/;
const HEALTH_AT = /Health: http:\/\/localhost:(\d+)\/health/;

/** Options of {@link TopologyProcesses.start}. */
export interface TopologyProcessesOptions {
  /** A topology of the topology file (`monolith`, `split-tcp`, …). */
  topology: string;
  /** The topology file (default `./topologies.json`). */
  topologyFile?: string;
  /**
   * Environment of every process (data: `DATA_DIR` or `DATABASE_URL`; `JWT_SECRET`; …). TCP
   * addresses are moved to free ports, so that runs never clash with each other or with a
   * system running on the topology's own ports.
   */
  env?: Record<string, string>;
  /** The Redis every `redis://` address of the topology is moved to (a private server for tests). */
  redisUrl?: string;
  /** How long each process may take to become ready (default 60 s). */
  readyTimeoutMs?: number;
  /**
   * How many copies of some services to start instead of the topology's `replicas`
   * (e.g. `{ payments: 1 }`); kept by {@link TopologyProcesses.restart}. Start more later with
   * {@link TopologyProcesses.startService}.
   */
  replicas?: Record<string, number>;
  /**
   * Whether {@link TopologyProcesses.start} starts the services before the monolith (default true).
   * False starts the monolith alone, as a scheduler may (Kubernetes starts every pod at once):
   * start its neighbours later with {@link TopologyProcesses.startService}.
   */
  servicesAtStart?: boolean;
  /**
   * The deployment's mesh master secret: each process gets the pair keys of its own modules
   * derived from it (`SEAM_MESH_KEYS`), as `npm run mesh:keys` would. Default: a random one per
   * run. Ignored when `env` sets `SEAM_MESH_KEYS` or `SEAM_INSECURE_TRANSPORT`.
   */
  meshMaster?: Buffer;
  /**
   * The Redis ACL user of each process that has one, by process (`monolith` or a service's
   * module; replicas share theirs): given as `SEAM_REDIS_USERNAME` and `SEAM_REDIS_PASSWORD`,
   * which turn on ACL identities (docs/security.md). Without: no Redis credentials.
   */
  redisUsers?: Readonly<Record<string, RedisUserCredentials>>;
}

/** What a process logs in to Redis with. */
export interface RedisUserCredentials {
  readonly username: string;
  readonly password: string;
}

/** One running process of a topology. */
export interface TopologyProcess {
  /** `monolith`, or the module of a service. */
  readonly name: string;
  /** 0-based copy number among the module's replicas. */
  readonly replica: number;
  readonly process: ServiceProcess;
  /** Its HTTP base URL (`/health`, `/metrics`; the API for the monolith). */
  readonly url: string;
}

/**
 * A topology of the system started as real OS processes from the built apps (`nest build --all`):
 * every service (each replica its own process) first, then the monolith (or the monolith alone:
 * {@link TopologyProcessesOptions.servicesAtStart}). Every process is killed
 * when the test process exits, even after a failure; call {@link stop} in `afterAll`.
 */
export class TopologyProcesses {
  /** The master the processes' mesh keys are derived from (see {@link TopologyProcessesOptions.meshMaster}). */
  meshMaster: Buffer = randomBytes(32);
  private redisUsers: Readonly<Record<string, RedisUserCredentials>> = {};

  private constructor(
    readonly topology: Topology,
    readonly processes: TopologyProcess[],
    private readonly env: Record<string, string>,
    private readonly readyTimeoutMs: number,
    private readonly replicaCounts: Readonly<Record<string, number>>,
    private readonly servicesAtStart: boolean,
  ) {}

  /** The monolith's base URL: the HTTP API of the system. */
  get baseUrl(): string {
    return this.monolith.url;
  }

  get monolith(): TopologyProcess {
    return this.processes.find(({ name }) => name === 'monolith')!;
  }

  /** The processes of one module's service (its replicas). */
  replicas(module: string): TopologyProcess[] {
    return this.processes.filter(({ name }) => name === module);
  }

  /** Everything every process printed, labelled — for failure messages. */
  output(): string {
    return this.processes
      .map(({ name, replica, process }) => `===== ${name}#${replica} (pid ${process.pid})\n${process.output()}`)
      .join('\n');
  }

  static async start(options: TopologyProcessesOptions): Promise<TopologyProcesses> {
    const file = resolve(options.topologyFile ?? 'topologies.json');
    const document: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const planned = parseTopology(document, options.topology, {}, file);
    // NO_COLOR: plain logs, so that outputs read well in failure messages.
    const env: Record<string, string> = {
      NO_COLOR: '1',
      ...options.env,
      SEAM_TOPOLOGY: options.topology,
      SEAM_TOPOLOGY_FILE: file,
      ...(await movedAddresses(planned, options.redisUrl)),
    };
    const topology = parseTopology(document, options.topology, env, file);
    for (const [module, count] of Object.entries(options.replicas ?? {})) {
      if (!topology.services.some((service) => service.module === module))
        throw new Error(`replicas: ${module} is not a service in topology "${topology.name}"`);
      if (!Number.isInteger(count) || count < 1)
        throw new Error(`replicas: ${module} needs a whole number of copies from 1, got ${count}`);
    }
    const run = new TopologyProcesses(
      topology,
      [],
      env,
      options.readyTimeoutMs ?? 60_000,
      { ...options.replicas },
      options.servicesAtStart ?? true,
    );
    run.meshMaster = options.meshMaster ?? randomBytes(32);
    run.redisUsers = { ...options.redisUsers };
    await run.startAll();
    return run;
  }

  /**
   * Stops every process, then starts the topology again with the same environment and the same
   * transport addresses: a restart of the whole system on the same data. HTTP ports change
   * (read {@link baseUrl} and each process's `url` again); copies added with
   * {@link startService} are not started again.
   */
  async restart(graceMs?: number): Promise<void> {
    await this.stop(graceMs);
    this.processes.splice(0);
    await this.startAll();
  }

  private async startAll(): Promise<void> {
    try {
      const copies = (module: string, planned: number) => this.replicaCounts[module] ?? planned;
      const services = this.servicesAtStart ? this.topology.services : [];
      await Promise.all(
        services.flatMap((service) =>
          Array.from({ length: copies(service.module, service.replicas) }, (_unused, replica) =>
            this.startService(service.module, replica),
          ),
        ),
      );
      await this.startMonolith();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Starts one more copy of a module's service (or a copy that was stopped), and waits until it is ready. */
  async startService(module: string, replica = this.replicas(module).length): Promise<TopologyProcess> {
    const process = await spawnService({
      entry: builtEntry(`${module}-service`),
      nodeFlags: SEAM_NODE_FLAGS,
      // A port below the kernel's ephemeral range (freePort), not PORT=0: once the process is
      // killed, no other process can be handed its port by the kernel, so a test that checks that
      // nothing answers there any more cannot reach someone else's server.
      env: { ...this.env, ...this.credentialsEnv({ kind: 'service', module }), PORT: String(await freePort()) },
      readyLine: new RegExp(`${serviceReadyLine(module)}\\b`),
      readyTimeoutMs: this.readyTimeoutMs,
    });
    return this.add({
      name: module,
      replica,
      process,
      url: `http://localhost:${await portPrinted(process, HEALTH_AT)}`,
    });
  }

  private async startMonolith(): Promise<void> {
    const process = await spawnService({
      entry: builtEntry('monolith'),
      nodeFlags: SEAM_NODE_FLAGS,
      env: { ...this.env, ...this.credentialsEnv({ kind: 'monolith' }), PORT: String(await freePort()) },
      readyLine: MONOLITH_LISTENING,
      readyTimeoutMs: this.readyTimeoutMs,
    });
    this.add({
      name: 'monolith',
      replica: 0,
      process,
      url: `http://localhost:${await portPrinted(process, MONOLITH_LISTENING)}`,
    });
  }

  /** The Redis user of a process (`monolith` or a service's module), when the run gave it one. */
  redisUserOf(process: string): RedisUserCredentials | undefined {
    return this.redisUsers[process];
  }

  /** What one process proves itself with: its mesh keys and, when it has one, its Redis user. */
  private credentialsEnv(role: ProcessRole): Record<string, string> {
    const user = this.redisUserOf(role.kind === 'monolith' ? 'monolith' : role.module);
    return {
      ...this.meshKeysEnv(role),
      ...(user && { SEAM_REDIS_USERNAME: user.username, SEAM_REDIS_PASSWORD: user.password }),
    };
  }

  /** The mesh keys of one process, derived from the run's master (none when the env brings its own, or opts out). */
  meshKeysEnv(role: ProcessRole): Record<string, string> {
    if (this.env.SEAM_MESH_KEYS !== undefined || this.env.SEAM_INSECURE_TRANSPORT !== undefined) return {};
    const document = deriveMeshKeys({
      master: this.meshMaster,
      keyIds: ['test'],
      self: meshSelf(this.topology, role),
      identities: meshIdentities(this.topology),
    });
    return { SEAM_MESH_KEYS: JSON.stringify(document) };
  }

  /**
   * The mesh keys a process speaking as `identity` would hold in this run (e.g. for a client in
   * the test process that calls a service as `orders`).
   */
  meshKeysAs(identity: string): MeshKeys {
    return MeshKeys.from(
      deriveMeshKeys({
        master: this.meshMaster,
        keyIds: ['test'],
        self: [identity],
        identities: meshIdentities(this.topology),
      }),
    );
  }

  private add(started: TopologyProcess): TopologyProcess {
    const index = this.processes.findIndex(({ name, replica }) => name === started.name && replica === started.replica);
    if (index === -1) this.processes.push(started);
    else this.processes[index] = started;
    return started;
  }

  /** Stops the monolith, then every service (SIGTERM; SIGKILL after `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    await this.monolith?.process.stop(graceMs);
    await Promise.all(
      this.processes.filter(({ name }) => name !== 'monolith').map(({ process }) => process.stop(graceMs)),
    );
  }
}
