import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUnavailableReason, TemporaryPostgres, TopologyProcesses } from '@seam/testing';
import { PrivateRedis, redisUnavailableReason } from '../../test/support/redis-server.js';
import type { TopologyName } from './report.js';
import { postgresServer, type ServerProcess } from './server-processes.js';
import { BENCH_ADMIN, prepareShop, type ShopFixture } from './shop-fixture.js';

/** A topology of the benchmark, running: where to send the load and which processes to measure. */
export interface RunningSystem {
  topology: TopologyName;
  /** The HTTP edges; the load is spread over them (autocannon's connections in turn). */
  baseUrls: string[];
  processes: Array<{ label: string; pid: number }>;
  /** The servers it relies on that are not its own processes (server-processes.ts). */
  servers: ServerProcess[];
  fixture: ShopFixture;
  stop(): Promise<void>;
}

/** What every process of every topology gets (and `bench:adapters`' edges). */
export const COMMON_ENV = {
  // One key for every process: services verify the tokens the monolith's identity signs.
  JWT_SECRET: 'seam-topology-benchmark-signing-key-0123456789',
  SEAM_ADMIN_EMAIL: BENCH_ADMIN.email,
  SEAM_ADMIN_PASSWORD: BENCH_ADMIN.password,
  NO_COLOR: '1',
  // The load comes from one address at thousands of requests a second: the edge's per-address
  // limit would refuse most of it (log-in and register stay throttled; the fixture logs in twice).
  SEAM_THROTTLE_LIMIT: 'off',
  // Shared by every copy of payments (deploy/compose.monolith-replicas.yaml requires it).
  PAYMENTS_CARD_FINGERPRINT_KEY: 'seam-topology-benchmark-fingerprint-key-0123',
};

/** Why `topology` cannot run on this machine (no PostgreSQL, no redis-server), or undefined. */
export async function unavailableReason(topology: TopologyName): Promise<string | undefined> {
  if (topology === 'monolith-x2-pg') return postgresUnavailableReason();
  if (topology === 'split-redis') return redisUnavailableReason();
  return undefined;
}

const labelsOf = (system: TopologyProcesses, copy = '') =>
  system.processes.map(({ name, replica, process: child }) => ({
    label: `${name === 'monolith' || replica === 0 ? name : `${name}#${replica}`}${copy}`,
    pid: child.pid,
  }));

/**
 * Starts `topology` as real processes from the built apps and prepares the shop's fixture:
 * - `monolith`, `mixed`, `split-tcp`: the topology of topologies.json on SQLite files in a fresh
 *   temporary DATA_DIR;
 * - `split-redis`: every module its own service over Redis streams (a private Redis server), one
 *   copy of each (the topology file's second copies of inventory and payments would share their
 *   SQLite files), on SQLite like the others;
 * - `monolith-x2-pg`: two monolith processes on one temporary PostgreSQL database, the load
 *   spread over both (what a balancer in front of replicas does).
 */
export async function startSystem(
  topology: TopologyName,
  extraEnv: Record<string, string> = {},
): Promise<RunningSystem> {
  if (topology === 'monolith-x2-pg') return startReplicas(extraEnv);
  const dataDir = mkdtempSync(join(tmpdir(), `seam-bench-${topology}-`));
  const redis = topology === 'split-redis' ? await PrivateRedis.start() : undefined;
  const cleanup = async () => {
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const system = await TopologyProcesses.start({
      topology,
      env: { ...COMMON_ENV, DATA_DIR: dataDir, ...extraEnv },
      ...(redis ? { redisUrl: redis.url, replicas: { inventory: 1, payments: 1 } } : {}),
    });
    return {
      topology,
      baseUrls: [system.baseUrl],
      processes: labelsOf(system),
      servers: redis?.pid ? [{ label: 'redis', pid: redis.pid }] : [],
      fixture: await prepareShop(system.baseUrl),
      stop: async () => {
        await system.stop();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function startReplicas(extraEnv: Record<string, string>): Promise<RunningSystem> {
  const database = await TemporaryPostgres.create();
  const env = { ...COMMON_ENV, DATABASE_URL: database.url, DATA_DIR: '', ...extraEnv };
  // Started together on the empty database: both migrate it (one waits for the other) and seed it.
  const started = await Promise.allSettled(
    [0, 1].map(() => TopologyProcesses.start({ topology: 'monolith', env, readyTimeoutMs: 120_000 })),
  );
  const replicas = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await database.drop();
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const server = await postgresServer(database.url).catch(() => undefined);
  if (!server)
    process.stderr.write(`monolith-x2-pg: PostgreSQL's processes are not visible here: its CPU is not measured\n`);
  return {
    topology: 'monolith-x2-pg',
    baseUrls: replicas.map((replica) => replica.baseUrl),
    processes: replicas.flatMap((replica, copy) => labelsOf(replica, `#${copy}`)),
    servers: server ? [server] : [],
    fixture: await prepareShop(replicas[0]!.baseUrl),
    stop,
  };
}
