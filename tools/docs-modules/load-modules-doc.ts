// Gathers what docs/modules.md shows from a repository, through the readers the other tools
// already trust: the contracts as `npm run arch` reads them, the module list of its rules, the
// topologies as every process parses them and the deployables as `npm run deploy:k8s` plans them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTopology } from '@seam/runtime';
import { readContracts } from '../architecture/allowed-calls.mjs';
import { listModules } from '../architecture/rules.mjs';
import { clusterPlan } from '../deploy/cluster-plan.js';
import type { DocEntry, DocPlacement, ModulesDocInput } from './modules-doc.types.js';
import { ownedTables } from './owned-tables.js';

/** The repository cannot be described faithfully (an unresolved caller name, no contracts). */
export class ModulesDocError extends Error {
  override readonly name = 'ModulesDocError';
}

/**
 * Reads the contracts under `libs/`, each module's tables, `topologies.json` and `nest-cli.json`
 * of the repository at `root`. Address overrides of the environment are not applied: the document
 * describes the shipped topologies, with the copies each asks for (the monolith: one).
 *
 * @throws ModulesDocError when no contract is found or an allow-list names a constant the contract
 *   reader could not resolve; TopologyError for an invalid topology; OwnedTablesError as
 *   `ownedTables`.
 */
export function loadModulesDocInput(root: string): ModulesDocInput {
  const entries = contractEntries(root);
  const topologyFile = join(root, 'topologies.json');
  const document = readJson(topologyFile) as { modules?: unknown; topologies?: Record<string, unknown> };
  const placements: DocPlacement[] = [];
  for (const name of Object.keys(document.topologies ?? {})) {
    const topology = parseTopology(document, name, {}, topologyFile);
    // One monolith, as the topology has it: left to itself, clusterPlan gives the monolith
    // deploy:k8s's default copies (DEFAULT_MONOLITH_REPLICAS), which no topology asks for; the
    // document says that default in words. A service's copies are the topology's own.
    for (const deployable of clusterPlan(topology, { monolithReplicas: 1 }).deployables)
      placements.push({ topology: name, app: deployable.app, hosts: deployable.hosts, replicas: deployable.replicas });
  }
  const listed = Array.isArray(document.modules) ? document.modules.filter((m) => typeof m === 'string') : [];
  const modules = [...new Set([...listModules(root), ...listed, ...entries.map((entry) => entry.module)])];
  const nest = readJson(join(root, 'nest-cli.json')) as { projects?: Record<string, { root?: unknown }> };
  const projects: Record<string, string> = {};
  for (const [project, config] of Object.entries(nest.projects ?? {}))
    if (typeof config.root === 'string') projects[project] = config.root;
  return {
    modules,
    entries,
    tables: Object.fromEntries(modules.map((module) => [module, ownedTables(root, module)])),
    placements,
    projects,
  };
}

function contractEntries(root: string): DocEntry[] {
  const contracts = readContracts(root);
  if (contracts.size === 0) throw new ModulesDocError(`no contract found under ${join(root, 'libs')}`);
  const entries: DocEntry[] = [];
  for (const [contract, byName] of contracts) {
    for (const [name, info] of byName) {
      const unresolved = info.allowed.find((caller) => caller.startsWith('?'));
      if (unresolved !== undefined)
        throw new ModulesDocError(
          `${contract}.${name}: "${unresolved.slice(1)}" is not a name the contract reader could resolve (use a string literal, EDGE, ANY_CALLER or a const declared in the contract file)`,
        );
      entries.push({ ...info, contract, name });
    }
  }
  return entries;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
