// @ts-check
// Whether a name can become a new module, checked before anything is generated.
const { strings } = require('@angular-devkit/core');

/** Kebab-case, as module folders, patterns and topologies spell module names (see @seam/transport). */
const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The longest module name: it becomes a PostgreSQL schema (63 bytes at most), the Kubernetes
 * Service `<name>-service` (63) and the variable `SEAM_<NAME>_ADDRESS`, with room to spare.
 */
const MAX_LENGTH = 40;

/** Names a module cannot take, grouped by why (the reason is part of the error). */
const RESERVED = [
  { names: ['seam'], why: 'it is the toolkit (libs/seam, @seam/*)' },
  { names: ['monolith'], why: 'it is the one binary (apps/monolith) and the placement "monolith" in topologies.json' },
  {
    names: ['constructor'],
    why: 'every JavaScript object has a property of that name, so a table of modules would find one where there is none',
  },
  {
    // Windows refuses a file or folder of these names, with any extension (libs/con, con.module.ts):
    // the repository could no longer be checked out there.
    names: ['con', 'prn', 'aux', 'nul', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`])],
    why: 'it is a device name on Windows, where no file or folder may take it (libs/<name>, <name>.module.ts), so the repository could no longer be checked out there',
  },
  {
    // deploy:k8s names each process's NetworkPolicy seam-<process>, next to its own seam-default-deny
    // (and seam-redis, whose name the Compose files already refuse): kubectl keeps one of the two.
    names: ['default-deny'],
    why: "npm run deploy:k8s names its default NetworkPolicy seam-default-deny, the name the module's own policy would take and replace",
  },
  {
    names: ['edge', 'seed', 'test', 'unknown'],
    why: 'it is a caller name the platform already uses (the HTTP edge, the demo seed, the module harness, a caller that did not say who it is)',
  },
  {
    names: [
      'app',
      'apps',
      'lib',
      'libs',
      'src',
      'dist',
      'tests',
      'tools',
      'docs',
      'deploy',
      'bench',
      'data',
      'scratch',
      'coverage',
    ],
    why: 'it is a folder of the repository',
  },
  {
    names: [
      'core',
      'contracts',
      'contract',
      'module',
      'modules',
      'shared',
      'common',
      'domain',
      'infrastructure',
      'service',
      'services',
    ],
    why: 'it names a layer or a kind of library, not a part of the business',
  },
];

/**
 * The reason a name is refused, or `undefined` when it is a well-formed module name. Says nothing
 * about whether the module exists already (see {@link existingTraces}).
 * @param {unknown} name
 * @returns {string | undefined}
 */
function nameProblem(name) {
  if (typeof name !== 'string' || name.trim() === '') {
    return 'Give the module a name: nest g -c @seam/schematics seam-module <name> (kebab-case, e.g. shipping).';
  }
  const shown = JSON.stringify(name);
  if (!KEBAB_CASE.test(name)) {
    return (
      `Module name ${shown} is not kebab-case: lower-case letters and digits, in words joined by single dashes, ` +
      'starting with a letter (e.g. "shipping", "gift-cards").'
    );
  }
  if (name.length > MAX_LENGTH) {
    return `Module name ${shown} is longer than ${MAX_LENGTH} characters: it also names a database schema, a Kubernetes Service and an environment variable.`;
  }
  if (name.startsWith('seam-'))
    return `Module name ${shown} is reserved: names starting with "seam-" belong to the toolkit.`;
  if (name.endsWith('-service')) {
    const bare = name.slice(0, -'-service'.length);
    return `Module name ${shown} is reserved: "-service" is added for the module's app (apps/${bare}-service); name the module "${bare}".`;
  }
  const reserved = RESERVED.find(({ names }) => names.includes(name));
  return reserved ? `Module name ${shown} is reserved: ${reserved.why}. Choose another name.` : undefined;
}

/**
 * Where a module of this name already shows: its folders, its app, its place in the topologies,
 * in nest-cli.json or in the monolith's module list. Empty when the name is free.
 * @param {import('@angular-devkit/schematics').Tree} tree
 * @param {string} name a well-formed module name
 * @param {{ topologies: any, nestCli: any, modulesTs: string }} wiring the parsed files the generator edits
 * @returns {string[]}
 */
function existingTraces(tree, name, { topologies, nestCli, modulesTs }) {
  const traces = [];
  const hasFiles = (/** @type {string} */ path) => {
    const dir = tree.getDir(path);
    return dir.subfiles.length > 0 || dir.subdirs.length > 0;
  };
  if (hasFiles(`libs/${name}`)) traces.push(`libs/${name}`);
  if (hasFiles(`apps/${name}-service`)) traces.push(`apps/${name}-service`);
  const placed = Object.entries(topologies.topologies ?? {})
    .filter(([, topology]) => Object.hasOwn(topology?.modules ?? {}, name))
    .map(([topology]) => topology);
  if ((topologies.modules ?? []).includes(name) || placed.length > 0) traces.push('topologies.json');
  if (Object.hasOwn(nestCli.projects ?? {}, `${name}-service`)) traces.push(`nest-cli.json (project ${name}-service)`);
  if (modulesTs.includes(`'@modules/${name}'`)) traces.push('apps/monolith/src/modules.ts');
  return traces;
}

/**
 * The existing module whose generated names (`<Name>Module`, `<name>Data`) `name` would repeat —
 * `gift1` and `gift-1` both make `Gift1Module` — or `undefined`.
 * @param {string} name a well-formed module name
 * @param {readonly string[]} modules the modules of topologies.json
 * @returns {string | undefined}
 */
function sameClassNameAs(name, modules) {
  const named = (/** @type {string} */ module) => `${strings.classify(module)} ${strings.camelize(module)}`;
  return modules.find((module) => module !== name && named(module) === named(name));
}

module.exports = { KEBAB_CASE, MAX_LENGTH, existingTraces, nameProblem, sameClassNameAs };
