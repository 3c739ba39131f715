import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTopology, meshIdentities, meshSelf, type ProcessRole, TopologyError } from '@seam/runtime';
import { deriveMeshKeys, MeshKeysError, MIN_MESH_KEY_BYTES } from '@seam/transport';
import { writePrivate } from './private-file.js';

/** Exit status of a bad command line, master or topology. */
export const USAGE_ERROR = 2;

/** Where the CLI reads and writes; a test hands in its own. */
export interface MeshKeysIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Base of a relative `--master-file`, `--out` and `SEAM_TOPOLOGY_FILE`. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** What `--help` prints, and what follows a usage error. */
export const USAGE = `Usage: npm run mesh:keys -- --new-master [--out <file>]
       npm run mesh:keys -- --master-file <file> --process <monolith|module> [--key-id <id>]… [--topology <name>] [--out <file>]

Envelopes between processes are signed with a key per pair of modules, derived from one master
secret that only the deploy tooling holds. This prints:

  --new-master             a new master secret (32 random bytes, base64url): keep it in your secret store
  --master-file <file>     the master secret (base64url text, as --new-master prints it)
  --process <name>         the process to derive keys for: "monolith" (its modules, the edge and the
                           seed) or the module of a service; it gets the keys of its own pairs only
  --key-id <id>            the key id to derive (default "k1"); give two during a rotation, the new
                           one first: every process accepts both, signs with the first
  --topology <name>        the topology (default SEAM_TOPOLOGY, else "monolith"); SEAM_TOPOLOGY_FILE
                           names the file as for the apps
  --out <file>             write to <file>, readable by its owner only (0600), instead of stdout
                           (a shell's > leaves it as the umask says, often world-readable); a new
                           master never replaces an existing file

Each option once (--key-id once per key id); --new-master takes only --out.

The output is the JSON document to hand the process as SEAM_MESH_KEYS (or in the file named by
SEAM_MESH_KEYS_FILE). See docs/security.md, "Envelope authentication".
`;

class UsageError extends Error {}

/**
 * Runs `mesh:keys` with the given arguments (without `node` and the script).
 *
 * @returns 0 when it printed (or wrote, with `--out`) the keys or a master, {@link USAGE_ERROR}
 *   for a bad flag, master, process or topology, or an `--out` file it cannot write (with the
 *   reason on stderr; never a secret).
 */
export function runMeshKeys(args: readonly string[], io: MeshKeysIo): number {
  try {
    const { values, tokens } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: {
        help: { type: 'boolean' },
        'new-master': { type: 'boolean' },
        'master-file': { type: 'string' },
        process: { type: 'string' },
        'key-id': { type: 'string', multiple: true },
        topology: { type: 'string' },
        out: { type: 'string' },
      },
    });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    refuseAmbiguous(tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])));
    const out = outFile(values.out, io.cwd);
    if (values['new-master']) {
      // Replacing a master would orphan every key derived from it.
      if (out && existsSync(out))
        throw new UsageError(`--out ${values.out} exists: a new master never replaces a file`);
      emit(`${randomBytes(MIN_MESH_KEY_BYTES).toString('base64url')}\n`, out, io);
      return 0;
    }
    if (!values['master-file']) throw new UsageError('--master-file is required (or --new-master to make one)');
    if (!values.process) throw new UsageError('--process is required: "monolith" or the module of a service');
    const master = readMaster(resolve(io.cwd, values['master-file']));
    const topology = loadTopology({
      ...io.env,
      ...(values.topology && { SEAM_TOPOLOGY: values.topology }),
      ...(io.env.SEAM_TOPOLOGY_FILE && { SEAM_TOPOLOGY_FILE: resolve(io.cwd, io.env.SEAM_TOPOLOGY_FILE) }),
    });
    const role = roleOf(
      values.process,
      topology.services.map(({ module }) => module),
    );
    const document = deriveMeshKeys({
      master,
      keyIds: values['key-id'] ?? ['k1'],
      self: meshSelf(topology, role),
      identities: meshIdentities(topology),
    });
    emit(`${JSON.stringify(document)}\n`, out, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof MeshKeysError || error instanceof TopologyError) {
      io.stderr(`mesh:keys: ${error.message}\n\n${USAGE}`);
      return USAGE_ERROR;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`mesh:keys: ${(error as Error).message}\n\n${USAGE}`);
      return USAGE_ERROR;
    }
    throw error;
  }
}

/** Options that say what to derive keys for, which a new master has no use for. */
const DERIVATION_OPTIONS = ['master-file', 'process', 'key-id', 'topology'];

/**
 * Refuses a command line whose meaning is a guess: an option given twice (only `--key-id` may be,
 * once per key id), and `--new-master` with options that derive keys (the master would be
 * printed and they ignored).
 */
function refuseAmbiguous(options: readonly string[]): void {
  const repeated = options.filter(
    (option, index) =>
      option !== 'key-id' && options.indexOf(option) !== index && options.lastIndexOf(option) === index,
  );
  if (repeated.length > 0)
    throw new UsageError(`${repeated.map((option) => `--${option}`).join(', ')} given more than once: give each once`);
  const withMaster = DERIVATION_OPTIONS.filter((option) => options.includes(option));
  if (options.includes('new-master') && withMaster.length > 0)
    throw new UsageError(
      `--new-master makes a master and derives no keys: drop ${withMaster.map((option) => `--${option}`).join(', ')}, or drop --new-master to derive keys`,
    );
}

function outFile(value: string | undefined, cwd: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError('--out needs a file');
  return resolve(cwd, value);
}

/** Prints `text`, or writes it to `out` (0600): it is a secret either way. */
function emit(text: string, out: string | undefined, io: MeshKeysIo): void {
  if (out === undefined) return io.stdout(text);
  try {
    writePrivate(out, text);
  } catch (error) {
    throw new UsageError(`cannot write --out ${out}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  io.stderr(`mesh:keys: wrote ${out} (0600)\n`);
}

function readMaster(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new UsageError(`cannot read the master file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(text))
    throw new UsageError('the master file must hold base64url text (as --new-master prints)');
  const master = Buffer.from(text, 'base64url');
  // Every pair key of the deployment follows from the master: one typed by hand ("AAAA…", a word
  // repeated) lets anyone who guesses it derive them all. 32 random bytes hold about 30 distinct
  // values; fewer than MIN_DISTINCT_MASTER_BYTES is no random master.
  if (master.length >= MIN_MESH_KEY_BYTES && new Set(master).size < MIN_DISTINCT_MASTER_BYTES)
    throw new UsageError('the master file does not hold random bytes: make one with --new-master');
  return master;
}

/** Distinct byte values a master must hold (a random one of 32 bytes has fewer with odds of about 1e-15). */
const MIN_DISTINCT_MASTER_BYTES = 16;

function roleOf(name: string, services: readonly string[]): ProcessRole {
  if (name === 'monolith') return { kind: 'monolith' };
  if (services.includes(name)) return { kind: 'service', module: name };
  const known = ['monolith', ...services].join(', ');
  throw new UsageError(`--process ${JSON.stringify(name.slice(0, 64))} is not a process of this topology (${known})`);
}
