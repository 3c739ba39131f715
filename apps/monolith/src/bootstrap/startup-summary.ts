import { type DatabaseConfig, dataSourceOptions } from '@seam/persistence';
import { endpointKey, type ResolvedSeamOptions } from '@seam/transport';
import type { LocalModule } from '../modules.js';
import { DOCS_PATH } from './swagger.js';

/** What the start-up summary reports. */
export interface SummaryInput {
  /** The base URL the app listens on (`http://localhost:3000`). */
  url: string;
  /** Where the API docs and `/metrics` are, when not at `url` (the internal listener's base URL). */
  docsUrl?: string;
  /** The topology line (`describeTopology(…)[0]`): its name, and which process this is. */
  topology?: string;
  /** The call policies, grouped (`SeamCallPolicies.summary`). */
  callPolicies?: readonly string[];
  seam: ResolvedSeamOptions;
  database: DatabaseConfig;
  modules: readonly LocalModule[];
}

/**
 * The lines the monolith prints once it listens — its whole start-up summary: where to reach it,
 * the topology, for each module where it runs and where its data is (never credentials), where
 * the docs, health, metrics and dashboard are, and the call policies.
 */
export function startupSummary(input: SummaryInput): string[] {
  const { url, docsUrl = url, topology, callPolicies = [] } = input;
  const internal = docsUrl === url ? '' : ' (internal listener, not on the public port)';
  const metrics = `${docsUrl}/metrics${internal}`;
  return [
    `Listening on ${url}`,
    ...(topology ? [topology] : []),
    ...moduleLines(input),
    `API docs: ${docsUrl}/${DOCS_PATH} (OpenAPI document: ${docsUrl}/${DOCS_PATH}-json)`,
    `Health: ${url}/health · Metrics: ${metrics}`,
    `Dashboard: ${docsUrl}/_seam${internal}`,
    ...callPolicies,
  ];
}

function moduleLines({ seam, database, modules }: SummaryInput): string[] {
  const lines: string[] = [];
  const local = new Map(modules.map((module) => [module.name, module]));
  const names = [...new Set([...modules.map(({ name }) => name), ...seam.hosted, ...Object.keys(seam.endpoints)])];
  for (const name of names) {
    const endpoint = seam.endpoints[name];
    const module = local.get(name);
    if (!seam.hosted.includes(name)) {
      lines.push(
        `module ${name}: remote, at ${endpoint ? endpointKey(endpoint) : 'in-process (not hosted here)'}; its data lives with it`,
      );
      continue;
    }
    const where = endpoint
      ? `in this process, also served at ${endpointKey(endpoint)}`
      : 'in this process (in-process transport)';
    lines.push(`module ${name}: ${where}; data: ${module ? dataLocation(module, database) : 'none of its own'}`);
  }
  return lines;
}

/** Where a local module's data lives: its SQLite file, or its schema in a PostgreSQL database. */
export function dataLocation(module: LocalModule, database: DatabaseConfig): string {
  const options = dataSourceOptions(module.data, database);
  if (options.type === 'postgres') {
    const url = new URL(options.url!);
    return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}, schema ${options.schema}`;
  }
  return options.type === 'better-sqlite3' && options.database !== ':memory:'
    ? `SQLite file ${options.database}`
    : 'in-memory SQLite';
}
