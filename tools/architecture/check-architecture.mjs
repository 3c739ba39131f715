// Runs the module-boundary rules (./rules.mjs) over a repository root with dependency-cruiser.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { findDisallowedCalls } from './allowed-calls.mjs';
import { RULE_COMMENTS, SOURCE_ROOTS, architectureConfig } from './rules.mjs';

/**
 * @typedef {object} ArchitectureViolation
 * @property {string} rule    name of the broken rule, e.g. `core-imports-other-core`
 * @property {string} from    importing file, relative to the root
 * @property {string} to      imported file (or unresolved specifier), relative to the root
 * @property {string} comment why the rule exists
 * @property {string[]} [cycle] for `no-circular`: the files of the cycle, starting after `from`
 */

/**
 * @typedef {object} ArchitectureReport
 * @property {string[]} modules                  modules found under `libs/`
 * @property {string[]} files                    source files scanned, relative to the root
 * @property {ArchitectureViolation[]} violations empty when every rule holds
 */

/**
 * Checks the module boundaries of the repository (or fixture) at `root`, and that its code calls
 * and subscribes only to what the contracts allow its module (./allowed-calls.mjs).
 * Relative imports written with a `.js` suffix are resolved to their `.ts` source by
 * dependency-cruiser itself (it retries `.js` as `.ts`, like tsc under nodenext).
 * @param {string} root repository or fixture root; must contain a tsconfig.json with the aliases
 * @returns {Promise<ArchitectureReport>}
 * @throws {Error} when `root` has no tsconfig.json or the configuration is invalid
 */
export async function checkArchitecture(root) {
  const base = resolve(root);
  const tsConfigFile = join(base, 'tsconfig.json');
  if (!existsSync(tsConfigFile)) throw new Error(`architecture: no tsconfig.json in ${base}`);

  const { modules, options } = architectureConfig(base);
  const roots = SOURCE_ROOTS.filter((dir) => existsSync(join(base, dir)));
  const tsConfig = extractTSConfig(tsConfigFile);
  // Unless the parsed tsconfig has a baseUrl, dependency-cruiser resolves `paths` against the
  // process's cwd, not the tsconfig's folder; TS 6 deprecates baseUrl, so set it in memory only.
  tsConfig.options = { ...tsConfig.options, baseUrl: base };
  const { output } = await cruise(roots, options, {}, { tsConfig });
  if (typeof output === 'string') throw new TypeError('architecture: expected a cruise result object');

  // The graph also holds packages, built-ins and unresolved specifiers; count only our files, once
  // (a file reached both by the directory scan and through an import can be listed twice).
  const ownFiles = output.modules.filter(
    (module) => !module.coreModule && !module.couldNotResolve && !/(^|\/)node_modules\/|^\.\.\//.test(module.source),
  );
  const files = [...new Set(ownFiles.map((module) => module.source))].toSorted();
  const disallowed = findDisallowedCalls(base).map(({ rule, from, to }) => ({
    rule,
    from,
    to,
    comment: RULE_COMMENTS[rule] ?? '',
  }));
  return { modules, files, violations: [...output.summary.violations.map(toViolation), ...disallowed] };
}

/**
 * @param {import('dependency-cruiser').IViolation} violation
 * @returns {ArchitectureViolation}
 */
function toViolation({ rule, from, to, cycle }) {
  /** @type {ArchitectureViolation} */
  const violation = {
    rule: rule.name,
    from,
    // Packages resolve from the nearest node_modules up the tree (for fixtures: the repo's).
    to: to.replace(/^(\.\.\/)+(?=node_modules\/)/, ''),
    comment: RULE_COMMENTS[rule.name] ?? '',
  };
  if (cycle) violation.cycle = cycle.map((step) => step.name);
  return violation;
}

/**
 * Formats one violation as the single line the CLI prints.
 * @param {ArchitectureViolation} violation
 * @returns {string} `architecture: <rule>: <from> -> <to> (<comment>)`; a cycle is spelled out
 *   inside the parentheses, since `from -> to` alone shows only one of its edges
 */
export function formatViolation({ rule, from, to, comment, cycle }) {
  const detail = cycle ? `${comment}; cycle: ${[from, ...cycle].join(' -> ')}` : comment;
  return `architecture: ${rule}: ${from} -> ${to} (${detail})`;
}

/**
 * Formats the one-line summary printed when every rule holds.
 * @param {ArchitectureReport} report
 * @returns {string}
 */
export function formatSummary({ modules, files }) {
  const names = modules.length > 0 ? ` (${modules.join(', ')})` : '';
  return `architecture: ok: ${modules.length} modules checked${names}, ${files.length} files scanned`;
}
