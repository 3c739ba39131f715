import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAddress, loadTopology, redact, type Topology } from '@seam/runtime';
import { ensureBuilt, type RedisUserCredentials, TopologyProcesses } from '@seam/testing';
import { contractAccess } from '../../../tools/deploy/contract-access.js';
import { redisAclFile, redisUsersOf } from '../../../tools/deploy/redis-users.js';
import { REPOSITORY_ROOT } from '../../deploy/support/shipped.js';
import { PrivateRedis, redisUnavailableReason } from '../../support/redis-server.js';
import { E2E_ADMIN, E2E_JWT_SECRET } from './e2e-accounts.js';
import type { Outage, ShopSystem, ShopTarget } from './shop-target.js';

/** A topology running as OS processes, with what the topology-specific checks need. */
export interface ProcessShopSystem extends ShopSystem {
  readonly processes: TopologyProcesses;
  /**
   * The private Redis the topology's `redis://` addresses were moved to, if it has any; with
   * Redis users, logged in as an administrator of the test's own, for inspection.
   */
  readonly redisUrl?: string;
}

/** Options of {@link topologyTarget}. */
export interface TopologyTargetOptions {
  /**
   * Copies of some services to start instead of the topology's, and why (it goes in the suite's
   * title): a deviation from the topology must say so where the results are read.
   */
  replicas?: { counts: Record<string, number>; reason: string };
  /**
   * Each process logs in to Redis as its own least-privileged ACL user (`redisUsersOf`, as the
   * deploy tooling makes them), with the default user off: what a deployment does, and what turns
   * on ACL identities. Without: Redis as installed, envelopes signed one by one.
   */
  redisUsers?: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const withUser = (url: string, { username, password }: RedisUserCredentials) => {
  const address = new URL(url);
  address.username = username;
  address.password = password;
  return address.toString();
};

/** The users of a private Redis for a topology: the processes', and an administrator for the test. */
function redisUsersFor(
  topology: Topology,
  dataDir: string,
): { aclFile: string; users: Record<string, RedisUserCredentials>; admin: RedisUserCredentials } {
  const users = redisUsersOf(topology, contractAccess(REPOSITORY_ROOT));
  const passwords = new Map(users.map(({ process }) => [process, randomBytes(24).toString('hex')]));
  const admin = { username: 'seam-test-admin', password: randomBytes(24).toString('hex') };
  const aclFile = join(dataDir, 'users.acl');
  const adminLine = `user ${admin.username} on #${sha256(admin.password)} ~* &* +@all\n`;
  writeFileSync(aclFile, redisAclFile(users, (process) => passwords.get(process)!) + adminLine, { mode: 0o600 });
  const credentials = Object.fromEntries(
    users.map(({ process, subject }) => [process, { username: subject.username, password: passwords.get(process)! }]),
  );
  return { aclFile, users: credentials, admin };
}

/** The module whose service the outage check kills: it is extracted in every split topology. */
const OUTAGE_MODULE = 'inventory';

/**
 * A topology of `topologies.json` started as real processes from the built apps
 * ({@link TopologyProcesses}): SQLite files in a temporary `DATA_DIR` shared by every process
 * (each module opens only its own file; replicas share theirs), the e2e signing key and admin
 * account, and a private `redis-server` when the topology uses Redis. A restart stops every
 * process and starts them again on the same data and addresses. Builds the apps first when
 * they are not built (a lone jest run).
 */
export function topologyTarget(name: string, options: TopologyTargetOptions = {}): ShopTarget<ProcessShopSystem> {
  const topology = loadTopology({ SEAM_TOPOLOGY: name });
  const needsRedis = [...topology.services.map(({ address }) => address), topology.monolith.address].some(
    (address) => address?.transport === 'redis',
  );
  return {
    title: `topology "${name}" as OS processes (${topology.description}), on SQLite files${options.redisUsers ? ', each process its own Redis ACL user' : ''}${replicasNote(options.replicas)}`,
    skipReason: needsRedis ? redisUnavailableReason() : undefined,
    outage: outageOf(topology),
    // Every request crosses processes, and the restart check restarts them all.
    testTimeoutMs: 60_000,
    // A lone jest run builds every app first (about a minute on 2 cores).
    startTimeoutMs: 240_000,
    start: async () => {
      await ensureBuilt(['monolith', ...topology.services.map(({ module }) => `${module}-service`)]);
      const dataDir = mkdtempSync(join(tmpdir(), `seam-e2e-${name}-`));
      let redis: PrivateRedis | undefined;
      let processes: TopologyProcesses;
      let redisUrl: string | undefined;
      try {
        const users = needsRedis && options.redisUsers ? redisUsersFor(topology, dataDir) : undefined;
        redis = needsRedis ? await PrivateRedis.start({ aclFile: users?.aclFile }) : undefined;
        redisUrl = redis && users ? withUser(redis.url, users.admin) : redis?.url;
        processes = await TopologyProcesses.start({
          topology: name,
          redisUrl: redis?.url,
          env: processEnv(dataDir),
          replicas: options.replicas?.counts,
          redisUsers: users?.users,
        });
      } catch (error) {
        await redis?.stop();
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      }
      return {
        processes,
        redisUrl,
        get app() {
          return processes.baseUrl;
        },
        edgeHealthChecks: edgeHealthChecks(processes.topology),
        restart: () => processes.restart(),
        takeDown: async (module) => {
          const replicas = processes.replicas(module);
          for (const { process } of replicas) process.signal('SIGKILL');
          await Promise.all(replicas.map(({ process }) => process.exited));
          return replicas.map(({ url }) => url);
        },
        stop: async () => {
          try {
            await processes.stop();
          } finally {
            await redis?.stop();
            rmSync(dataDir, { recursive: true, force: true });
          }
        },
      };
    },
  };
}

function replicasNote(replicas: TopologyTargetOptions['replicas']): string {
  if (!replicas) return '';
  const counts = Object.entries(replicas.counts).map(([module, count]) => `${module} ×${count}`);
  return ` — running ${counts.join(', ')}: ${replicas.reason}`;
}

/**
 * The environment of every process: the suite's data, key and admin; the rest of what could
 * change the defaults under test is cleared (empty means unset), so that a developer's own
 * settings (a `DATABASE_URL`, say) do not leak into the run.
 */
export function processEnv(dataDir: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    JWT_SECRET: E2E_JWT_SECRET,
    SEAM_ADMIN_EMAIL: E2E_ADMIN.email,
    SEAM_ADMIN_PASSWORD: E2E_ADMIN.password,
    SEED_DEMO_DATA: '',
    SEAM_LISTEN_HOST: '',
    // The shutdown checks keep calls in flight with the fake provider's slow card: 4 s, not 1.5 s,
    // so that they are still in flight when the signal comes and while a late call arrives even
    // after stalls of hundreds of ms on a loaded 2-core CI machine; the provider timeout (default
    // 2 s) is raised above it with room, so that the slow card is answered, not given up on. No
    // e2e scenario uses the never-answering card, whose failure time this timeout would set.
    PAYMENTS_FAKE_SLOW_MS: '4000',
    PAYMENTS_PROVIDER_TIMEOUT_MS: '8000',
  };
}

/** The checks the monolith's `/health` runs: the databases of the modules it hosts, and the transport it serves them on. */
function edgeHealthChecks(topology: Topology): string[] {
  const address = topology.monolith.address;
  const served = address && topology.monolith.modules.length > 0 ? [`transport ${redact(formatAddress(address))}`] : [];
  return [...topology.monolith.modules, ...served];
}

function outageOf(topology: Topology): Outage {
  if (topology.services.some(({ module }) => module === OUTAGE_MODULE))
    return { kind: 'service', module: OUTAGE_MODULE };
  return {
    kind: 'none',
    reason:
      `${OUTAGE_MODULE} runs inside the monolith process here, and a SQLite connection of a running process cannot be broken from ` +
      'outside it (SELECT 1 never touches the file); the in-process suites destroy the DataSource instead',
  };
}
