import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTopology, type Topology, TopologyError } from '@seam/runtime';
import { stringify } from 'yaml';
import {
  type ClusterPlan,
  clusterPlan,
  DEFAULT_MONOLITH_REPLICAS,
  DEFAULT_REDIS_URL,
  MAX_DEPLOYABLE_REPLICAS,
  parseRedisUrl,
} from './cluster-plan.js';
import { ConnectionBudgetError, DEFAULT_PG_MAX_CONNECTIONS, PG_MAX_CONNECTIONS_LIMIT } from './connection-budget.js';
import { contractAccess } from './contract-access.js';
import { createSecretCommand } from './deployable-secrets.js';
import { redisAclCommands, redisUsersOf } from './redis-users.js';
import { type KubernetesObject, kubernetesManifests } from './k8s-manifests.js';
import { DEFAULT_SCRAPER_NAMESPACE } from './network-policies.js';

const REPOSITORY_ROOT = resolve(import.meta.dirname, '../..');

/** Exit status of a bad command line or an unusable topology. */
export const USAGE_ERROR = 2;

/** Where the CLI reads and writes; a test hands in its own. */
export interface CliIo {
  /** The manifests (or the usage). */
  readonly stdout: (text: string) => void;
  /** Errors, and what `--out` wrote. */
  readonly stderr: (text: string) => void;
  /** Base of a relative `--out` and of `SEAM_TOPOLOGY_FILE`. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where the contracts are read from (default: this repository). */
  readonly root?: string;
}

/** What `--help` prints, and what follows a usage error. */
export const USAGE = `Usage: npm run deploy:k8s -- <topology> [--out <dir>] [--image <ref>] [--namespace <ns>] [--redis-url <redis[s]://host:port>]
       [--monolith-replicas <n>] [--pg-max-connections <n>] [--scraper-namespace <ns>] [--redis-selector <key=value,…>] [--print-secrets]

Generates Kubernetes manifests for a topology of topologies.json (SEAM_TOPOLOGY_FILE to read
another file): a Deployment and a Service per process, an HPA per process that can share its work, a ConfigMap,
and NetworkPolicies derived from the contracts' callers. Secrets are referenced, never written:
create one Secret per process, "seam-<process>-secrets" (--print-secrets shows the commands).

  --out <dir>                write one YAML file per process (and config.yaml, network-policies.yaml)
  --image <ref>              image with a tag or digest (default seam:<package version>)
  --namespace <ns>           namespace of every object (default: none, kubectl's current one)
  --redis-url <url>          Redis of Redis-transport topologies, not deployed here (default ${DEFAULT_REDIS_URL});
                             rediss:// for TLS; no database number (each module keeps its topology's)
  --monolith-replicas <n>    copies of the monolith, its autoscaler's floor (default ${DEFAULT_MONOLITH_REPLICAS}, at most ${MAX_DEPLOYABLE_REPLICAS})
  --pg-max-connections <n>   max_connections of your PostgreSQL (default ${DEFAULT_PG_MAX_CONNECTIONS}): every process's
                             DATABASE_POOL_SIZE is cut so that all pods at their most fit in it
  --scraper-namespace <ns>   namespace of the Prometheus that may scrape /metrics (default ${DEFAULT_SCRAPER_NAMESPACE})
  --redis-selector <labels>  labels of your Redis pods, which only the app's pods may reach (default app.kubernetes.io/name=redis)
  --print-secrets            print the kubectl commands that create each process's Secret, not the manifests
`;

class UsageError extends Error {}

/**
 * Runs `deploy:k8s` with the given arguments (without `node` and the script).
 *
 * @returns the exit status: 0 when the manifests were printed or written, {@link USAGE_ERROR}
 *   for a bad flag, value or topology (with the reason on stderr), 1 when writing failed.
 */
export function runDeployK8s(args: readonly string[], io: CliIo): number {
  try {
    const options = parseOptions(args);
    if (options.help) {
      io.stdout(USAGE);
      return 0;
    }
    const file = resolve(io.cwd, io.env.SEAM_TOPOLOGY_FILE?.trim() || join(REPOSITORY_ROOT, 'topologies.json'));
    // Only the file and the name: address overrides in the caller's shell must not leak into manifests.
    const topology = loadTopology({ SEAM_TOPOLOGY: options.topology, SEAM_TOPOLOGY_FILE: file });
    const plan = clusterPlan(topology, { redisUrl: options.redisUrl, monolithReplicas: options.monolithReplicas });
    if (options.printSecrets) {
      io.stdout(`${secretCommands(topology, plan, options.namespace, io.root ?? REPOSITORY_ROOT).join('\n')}\n`);
      return 0;
    }
    const objects = kubernetesManifests(plan, {
      image: options.image,
      pgMaxConnections: options.pgMaxConnections,
      namespace: options.namespace,
      access: contractAccess(io.root ?? REPOSITORY_ROOT),
      scraperNamespace: options.scraperNamespace,
      redisSelector: options.redisSelector,
    });
    // Arguments quoted unless plain: one with a line break (say in --out) would end the comment,
    // and what follows it would be read as YAML.
    const shown = args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg)));
    const header = `# Generated by \`npm run deploy:k8s -- ${shown.join(' ')}\` from topology "${topology.name}"; regenerate rather than edit.\n`;
    if (options.out === undefined) {
      io.stdout(header + toYaml(objects));
      return 0;
    }
    const dir = resolve(io.cwd, options.out);
    mkdirSync(dir, { recursive: true });
    const files = groupByFile(objects);
    for (const [name, group] of files) writeFileSync(join(dir, name), header + toYaml(group));
    io.stderr(`deploy:k8s: wrote ${[...files.keys()].join(', ')} to ${dir}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof TopologyError || error instanceof ConnectionBudgetError) {
      io.stderr(`deploy:k8s: ${error.message}\n${error instanceof UsageError ? `\n${USAGE}` : ''}`);
      return USAGE_ERROR;
    }
    io.stderr(`deploy:k8s: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * What `--print-secrets` prints: for a Redis topology first a password file per process and the
 * Redis users made from them (`redisAclCommands`), then each process's `kubectl create secret`.
 */
function secretCommands(topology: Topology, plan: ClusterPlan, namespace: string | undefined, root: string): string[] {
  const secrets = plan.deployables.map((deployable) => createSecretCommand(deployable, plan, namespace));
  if (!plan.redis) return secrets;
  const users = redisUsersOf(topology, contractAccess(root));
  return [
    // Every Secret of a Redis plan names its password file, so each deployable gets one.
    '# A password per process, in the files the Secrets and the Redis users are made from:',
    ...plan.deployables.map(({ name }) => `openssl rand -hex 32 | tr -d '\\n' > ${name}.redis-password`),
    '# Each process its own Redis user (REDIS_ADMIN_URL: an administrator of your Redis), then no default user:',
    ...redisAclCommands(users),
    ...secrets,
  ];
}

/** Objects as one multi-document YAML stream. */
export function toYaml(objects: readonly KubernetesObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}

function groupByFile(objects: readonly KubernetesObject[]): Map<string, KubernetesObject[]> {
  const files = new Map<string, KubernetesObject[]>();
  for (const object of objects) {
    const name =
      object.kind === 'ConfigMap'
        ? 'config.yaml'
        : object.kind === 'NetworkPolicy'
          ? 'network-policies.yaml'
          : `${object.metadata!.name}.yaml`;
    files.set(name, [...(files.get(name) ?? []), object]);
  }
  return files;
}

interface CliOptions {
  topology: string;
  out?: string;
  image: string;
  namespace?: string;
  redisUrl?: string;
  monolithReplicas?: number;
  pgMaxConnections?: number;
  scraperNamespace?: string;
  redisSelector?: Record<string, string>;
  printSecrets: boolean;
  help: boolean;
}

const IMAGE_REFERENCE =
  /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
/** A tag or digest at the end, once a registry's `host:port/` is out of the way. */
const TAG_OR_DIGEST = /(:\w[\w.-]*|@sha256:[a-f0-9]{64})$/;
const REGISTRY_PORT = /^[^/]*:\d+\//;
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** A label key (`prefix/name`) and value as Kubernetes accepts them. */
const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function parseOptions(args: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        out: { type: 'string' },
        image: { type: 'string' },
        namespace: { type: 'string' },
        'redis-url': { type: 'string' },
        'monolith-replicas': { type: 'string' },
        'pg-max-connections': { type: 'string' },
        'scraper-namespace': { type: 'string' },
        'redis-selector': { type: 'string' },
        'print-secrets': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const { values, positionals, tokens } = parsed;
  // parseArgs keeps the last of a repeated option: `--monolith-replicas 1 … --monolith-replicas 3`
  // would deploy 3 without a word about the 1.
  const given = tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : []));
  const repeated = given.find((name, index) => given.indexOf(name) !== index);
  if (repeated !== undefined) throw new UsageError(`--${repeated} is given twice: give each option once`);
  if (values.help) return { topology: '', image: '', printSecrets: false, help: true };
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? 'name a topology (e.g. split-tcp)'
        : `one topology only, got ${positionals.join(', ')}`,
    );
  const image = values.image ?? `seam:${packageVersion()}`;
  if (!IMAGE_REFERENCE.test(image) || !TAG_OR_DIGEST.test(image.replace(REGISTRY_PORT, ''))) {
    throw new UsageError(
      `--image "${image}" is not an image reference with a tag or digest (e.g. registry.example.com/seam:0.1.0)`,
    );
  }
  if (image.endsWith(':latest'))
    throw new UsageError(
      '--image: "latest" moves; name the version, so that a rollout and a rollback know what they run',
    );
  if (values.namespace !== undefined && !DNS_LABEL.test(values.namespace))
    throw new UsageError(
      `--namespace "${values.namespace}" is not a Kubernetes namespace name (lowercase letters, digits, "-", at most 63)`,
    );
  const scraperNamespace = values['scraper-namespace'];
  if (scraperNamespace !== undefined && !DNS_LABEL.test(scraperNamespace))
    throw new UsageError(`--scraper-namespace "${scraperNamespace}" is not a Kubernetes namespace name`);
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a directory');
  try {
    // Checked here so that a bad --redis-url is a usage error, whatever the topology.
    if (values['redis-url'] !== undefined) parseRedisUrl(values['redis-url']);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const monolithReplicas = wholeNumber('--monolith-replicas', values['monolith-replicas'], MAX_DEPLOYABLE_REPLICAS);
  const pgMaxConnections = wholeNumber(
    '--pg-max-connections',
    values['pg-max-connections'],
    PG_MAX_CONNECTIONS_LIMIT,
    " (PostgreSQL's max_connections)",
  );
  return {
    topology: positionals[0]!,
    out: values.out,
    image,
    namespace: values.namespace,
    redisUrl: values['redis-url'],
    monolithReplicas,
    pgMaxConnections,
    scraperNamespace,
    redisSelector: values['redis-selector'] === undefined ? undefined : parseSelector(values['redis-selector']),
    printSecrets: values['print-secrets'] ?? false,
    help: false,
  };
}

/** A flag's whole number from 1 to `max`, or undefined when the flag is not given. */
function wholeNumber(flag: string, text: string | undefined, max: number, what = ''): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max)
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}${what}, got "${text}"`);
  return value;
}

/** `key=value,key=value` → labels, each key and value as Kubernetes accepts them. */
function parseSelector(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const equals = pair.indexOf('=');
    const key = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    if (equals <= 0 || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value) || Object.hasOwn(labels, key))
      throw new UsageError(
        `--redis-selector "${text}" is not a list of distinct Kubernetes labels key=value (e.g. app.kubernetes.io/name=redis)`,
      );
    labels[key] = value;
  }
  return labels;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
