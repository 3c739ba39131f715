// Module-boundary rules for dependency-cruiser, generated from the module list on disk so a new
// module is covered the moment its folder exists (nobody has to remember to add a rule).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Packages a contract may import besides `@seam/transport`: DTO validation only. */
const VALIDATION_PACKAGES = ['class-validator', 'class-transformer'];

/** The one file of a toolkit package or a module's contracts that others may import (`@seam/*`, `@contracts/*`). */
const ENTRY_POINTS = [String.raw`^libs/seam/[^/]+/src/index\.ts$`, String.raw`^libs/[^/]+/contracts/src/index\.ts$`];

/** Top-level folders that hold code; whichever exist under the root are cruised. */
export const SOURCE_ROOTS = ['apps', 'libs', 'test', 'bench', 'tools'];

// Spec files are not part of a contract's public surface; they may also use the test runner.
const SPEC_FILE = String.raw`\.(spec|int-spec)\.ts$`;

/**
 * The one-line explanation printed with every violation of a rule, keyed by rule name.
 * @type {Readonly<Record<string, string>>}
 */
export const RULE_COMMENTS = Object.freeze({
  'core-imports-other-core':
    "a module's core talks to another module only through its contract (@contracts/<module>), never its core",
  'core-imports-through-entry-points':
    "a module's core imports its own module's files, and other code only through an entry point (@seam/<package>, @contracts/<module>): a path into one reaches what it does not export",
  'contracts-import-only-transport-and-validation':
    'contracts are the public door: they import only @seam/transport, their own files and class-validator/class-transformer',
  'only-apps-import-core':
    "only apps/* wire a module's core (@modules/<module>); everything else goes through contracts",
  'seam-imports-no-module': '@seam/* is the toolkit: it must not know any module, neither its contracts nor its core',
  'no-circular':
    'runtime import cycles fail under ESM ("Cannot access X before initialization") and tangle the layers; cut the cycle',
  'no-unresolvable-import':
    'an import that cannot be resolved hides its target from every boundary rule; fix the path or alias',
  'calls-only-allowed-entries':
    "code calls only the entries whose contract names its module (or app part, e.g. edge) among their callers; the callee's door refuses the rest",
  'subscribes-only-allowed-events':
    'a module subscribes only to the events whose contract names it among their subscribers',
});

/**
 * Lists the modules of the repository: every `libs/<name>/` (except `libs/seam`) that has a
 * `contracts/` or a `core/` folder.
 * @param {string} root absolute path of the repository (or fixture) root
 * @returns {string[]} module names, sorted
 */
export function listModules(root) {
  const libs = join(root, 'libs');
  if (!existsSync(libs)) return [];
  return readdirSync(libs, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'seam')
    .map((entry) => entry.name)
    .filter((name) => ['contracts', 'core'].some((part) => existsSync(join(libs, name, part))))
    .toSorted();
}

/** @param {string} text */
const escapeRegExp = (text) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);

/** @param {string[]} modules @param {string} parts e.g. `core` or `(contracts|core)` */
const inModules = (modules, parts) => `^libs/(${modules.map(escapeRegExp).join('|')})/${parts}/`;

/**
 * @param {string} name a key of {@link RULE_COMMENTS}
 * @param {import('dependency-cruiser').IRegularForbiddenRuleType['from']} from
 * @param {import('dependency-cruiser').IRegularForbiddenRuleType['to']} to
 * @returns {import('dependency-cruiser').IRegularForbiddenRuleType}
 */
const rule = (name, from, to) => ({ name, severity: 'error', comment: RULE_COMMENTS[name], from, to });

/** @param {string} module @param {string[]} modules */
function moduleRules(module, modules) {
  const own = escapeRegExp(module);
  const others = modules.filter((other) => other !== module);
  const allowedForContracts = [
    `^libs/${own}/contracts/`,
    String.raw`^libs/seam/transport/src/index\.ts$`,
    `(^|/)node_modules/(${VALIDATION_PACKAGES.join('|')})/`,
  ];
  return [
    ...(others.length > 0
      ? [rule('core-imports-other-core', { path: `^libs/${own}/core/` }, { path: inModules(others, 'core') })]
      : []),
    // Our own files only (packages and Node's built-ins are free); another core is the rule above's.
    rule(
      'core-imports-through-entry-points',
      { path: `^libs/${own}/core/` },
      {
        path: `^(${SOURCE_ROOTS.join('|')})/`,
        pathNot: [`^libs/${own}/`, ...ENTRY_POINTS, ...(others.length > 0 ? [inModules(others, 'core')] : [])],
      },
    ),
    rule(
      'contracts-import-only-transport-and-validation',
      { path: `^libs/${own}/contracts/`, pathNot: SPEC_FILE },
      { pathNot: allowedForContracts },
    ),
    rule(
      'contracts-import-only-transport-and-validation',
      { path: [`^libs/${own}/contracts/.*${SPEC_FILE}`] },
      { pathNot: [...allowedForContracts, '(^|/)node_modules/@jest/globals/'] },
    ),
  ];
}

/**
 * Builds the forbidden rules for a module list. Each forbidden edge is reported by exactly one
 * rule: `only-apps-import-core` leaves cores, contracts and `@seam/*` to the rules that own them.
 * @param {string[]} modules module names, as returned by {@link listModules}
 * @returns {import('dependency-cruiser').IForbiddenRuleType[]}
 */
export function forbiddenRules(modules) {
  const generated =
    modules.length === 0
      ? []
      : [
          ...modules.flatMap((module) => moduleRules(module, modules)),
          rule(
            'only-apps-import-core',
            { pathNot: ['^apps/', inModules(modules, '(contracts|core)'), '^libs/seam/'] },
            { path: inModules(modules, 'core') },
          ),
          rule('seam-imports-no-module', { path: '^libs/seam/' }, { path: inModules(modules, '(contracts|core)') }),
        ];
  return [
    ...generated,
    // Runtime cycles only: an `import type` edge is erased by the compiler, so it cannot cause the
    // "Cannot access 'X' before initialization" failure that cycles cause under ESM.
    rule('no-circular', { path: '^(apps|libs)/' }, { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } }),
    rule('no-unresolvable-import', {}, { couldNotResolve: true }),
  ];
}

/**
 * Lists the modules under `root` and returns the dependency-cruiser cruise options that enforce
 * the module boundaries there (paths in results are relative to `root`).
 * @param {string} root absolute path of the repository (or fixture) root
 * @returns {{ modules: string[], options: import('dependency-cruiser').ICruiseOptions }}
 */
export function architectureConfig(root) {
  const modules = listModules(root);
  return {
    modules,
    options: {
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: forbiddenRules(modules) },
      // The path aliases (@seam/*, @contracts/*, @modules/*) are resolved through tsconfig paths.
      tsConfig: { fileName: join(root, 'tsconfig.json') },
      // `import type` still couples two modules, so type-only imports count too.
      tsPreCompilationDeps: true,
      // Resolve packages as Node does under nodenext (package.json "exports"), not by "main".
      enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
      doNotFollow: { path: '(^|/)node_modules/' },
      // Fixtures break the rules on purpose; they are checked one by one with --root instead.
      // node_modules must stay out of `exclude`: excluded modules vanish from the graph, and with
      // them the edges the contracts rule has to see.
      exclude: { path: ['^test/architecture/fixtures/', '^(dist|coverage)/'] },
      // No outputType: dependency-cruiser then hands back the cruise result object itself.
    },
  };
}
