import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TOPOLOGY_FILE, TopologyError, TransportSecurityConfigError } from '@seam/runtime';
import { MIN_MESH_KEY_BYTES } from '@seam/transport';
import { preflightProblems } from './preflight.js';
import { planTopology } from './topology-plan.js';
import { type RunIo, runTopology } from './topology-run.js';

/** Exit status of a bad command line or topology. */
export const USAGE_ERROR = 2;
/** Exit status when the run cannot start (a port taken, Redis down, not built) or ends badly. */
export const RUN_FAILED = 1;

const DEFAULT_READY_TIMEOUT_S = 180;
/** A day: far beyond any start-up, and far below setTimeout's ceiling (2^31 - 1 ms), past which it fires at once. */
const MAX_READY_TIMEOUT_S = 86_400;
/** Above the apps' own 10 s shutdown deadline: a process still there after it is stuck. */
const GRACE_MS = 15_000;

/** What `--help` prints, and what follows a usage error. */
export const USAGE = `Usage: npm run start:topology -- <topology> [--ready-timeout <seconds>]

Runs every process of one topology of the topology file (SEAM_TOPOLOGY_FILE, default
./topologies.json) on this machine, from the built apps (the npm script builds them first):
each line a process prints is prefixed with its name; once every process answers /health, a
summary says where each one is. Ctrl-C stops them all (the edge first, SIGKILL after 15 s).

  <topology>               monolith, split-tcp, … — any topology of the file
  --ready-timeout <s>      how long every process together may take to answer /health (default ${DEFAULT_READY_TIMEOUT_S}, at most ${MAX_READY_TIMEOUT_S})

Ports are the topology's own (PORT for the edge, default 3000; SEAM_<MODULE>_ADDRESS moves a
module), checked free before anything starts. Redis topologies need Redis at REDIS_URL (default:
the topology's addresses, redis://127.0.0.1:6379). Every process gets its own mesh keys, derived
for this run from a fresh master that never leaves memory. Data: DATA_DIR or DATABASE_URL, as for
npm start.
`;

class UsageError extends Error {}

/**
 * Runs `start:topology` with the given arguments (without `node` and the script).
 *
 * @returns 0 after Ctrl-C stopped a run, {@link USAGE_ERROR} for a bad command line or topology,
 *   {@link RUN_FAILED} when the run could not start, a process died or they were not healthy in
 *   time — in every case only once every process it started has exited.
 */
export async function startTopology(args: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: { help: { type: 'boolean' }, 'ready-timeout': { type: 'string' } },
    });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const known = topologyNames(io);
    const name = positionals[0];
    if (positionals.length !== 1 || !name)
      throw new UsageError(`name one topology: ${known.join(', ') || 'the topology file has none'}`);
    if (known.length > 0 && !known.includes(name))
      throw new UsageError(`unknown topology "${name}": choose one of ${known.join(', ')}`);
    const readyTimeoutS = Number(values['ready-timeout'] ?? DEFAULT_READY_TIMEOUT_S);
    if (!(readyTimeoutS > 0 && readyTimeoutS <= MAX_READY_TIMEOUT_S))
      throw new UsageError(`--ready-timeout must be a number of seconds above 0 and at most ${MAX_READY_TIMEOUT_S}`);
    const plan = planTopology(name, io.env, io.cwd, randomBytes(MIN_MESH_KEY_BYTES));
    const problems = await preflightProblems(plan, io.env, io.cwd);
    if (problems.length > 0) {
      io.stderr(
        `start:topology: cannot start "${name}", nothing was started:\n${problems.map((line) => `  - ${line}\n`).join('')}`,
      );
      return RUN_FAILED;
    }
    return await runTopology(plan, io, { readyTimeoutMs: readyTimeoutS * 1000, graceMs: GRACE_MS });
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`start:topology: ${(error as Error).message}\n\n${USAGE}`);
      return USAGE_ERROR;
    }
    if (error instanceof TopologyError || error instanceof TransportSecurityConfigError) {
      io.stderr(`start:topology: ${error.message}\n`);
      return USAGE_ERROR;
    }
    throw error;
  }
}

/** The topologies the file names, in its order (none when it cannot be read: planning says why). */
function topologyNames(io: RunIo): string[] {
  try {
    const file = resolve(io.cwd, io.env.SEAM_TOPOLOGY_FILE?.trim() || DEFAULT_TOPOLOGY_FILE);
    const document = JSON.parse(readFileSync(file, 'utf8')) as { topologies?: unknown };
    return typeof document.topologies === 'object' && document.topologies !== null
      ? Object.keys(document.topologies)
      : [];
  } catch {
    return [];
  }
}
