import { parse } from 'yaml';
import { repositoryFile } from './shipped.js';

/** What the tests read of a compose service. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  command?: string[];
  deploy?: { replicas?: number };
  secrets?: Array<string | { source: string; target?: string }>;
}

/** What the tests read of a compose file. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string; environment?: string }>;
}

/** The compose files the repository ships. */
export const COMPOSE_FILES = { base: 'deploy/compose.yaml', splitRedis: 'deploy/compose.split-redis.yaml' };

const read = (path: string): ComposeFile => parse(repositoryFile(path), { merge: true }) as ComposeFile;

/**
 * Compose's merge of several files, for what these use: maps merge key by key, a service's
 * `secrets` lists are joined (Compose merges them by source), the rest is replaced.
 */
function merged(base: unknown, override: unknown, key?: string): unknown {
  if (key === 'secrets' && Array.isArray(base) && Array.isArray(override))
    return [...base, ...override.filter((secret) => !base.includes(secret))];
  if (!isMap(base) || !isMap(override)) return override;
  const result: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(override))
    result[name] = name in base ? merged(base[name], value, name) : value;
  return result;
}
const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Each way the shipped files are run: its files, its topology, and the compose model they make. */
export function composeVariants(): Array<[string, string, ComposeFile]> {
  return [
    ['compose.yaml', 'split-tcp', read(COMPOSE_FILES.base)],
    [
      'compose.yaml + compose.split-redis.yaml',
      'split-redis',
      merged(read(COMPOSE_FILES.base), read(COMPOSE_FILES.splitRedis)) as ComposeFile,
    ],
  ];
}
