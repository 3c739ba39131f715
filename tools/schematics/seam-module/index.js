// @ts-check
// `nest g -c @seam/schematics seam-module <name>`: a new module, in the shape of the reference
// modules, registered everywhere the repository lists modules.
//
// CommonJS on purpose: @angular-devkit loads factories with require(), and a CommonJS file needs
// no build step, so the collection works straight from a fresh `npm ci`.
const { strings } = require('@angular-devkit/core');
const {
  MergeStrategy,
  SchematicsException,
  apply,
  applyTemplates,
  chain,
  mergeWith,
  move,
  url,
} = require('@angular-devkit/schematics');
const { RunSchematicTask } = require('@angular-devkit/schematics/tasks');
const { existingTraces, nameProblem, sameClassNameAs } = require('./module-name.js');
const { addToCompose } = require('./compose.js');
const { formatWithPrettier } = require('./format.js');
const { identifierClash, templateSources } = require('./identifiers.js');
const { addToScrapeConfig } = require('./prometheus.js');
const { addModule, formatTopologies } = require('./topologies.js');
const { MODULES_TS, addServiceProject, addToModulesTs, formatNestCli, modulesTsProblem } = require('./wiring.js');

/**
 * @typedef {object} SeamModuleOptions
 * @property {string} [name] the module's name, kebab-case
 * @property {number} [timestamp] milliseconds in the first migration's name (default: now); the
 *   migrations after it take the next milliseconds (see {@link migrationTimestamps})
 */

/**
 * The schematic's factory. Every check runs before anything is written: a refused name, a module
 * that exists (nothing is ever overwritten) or a repository it does not recognise stops it with
 * a `SchematicsException` and an untouched tree.
 * @param {SeamModuleOptions} options
 * @returns {import('@angular-devkit/schematics').Rule}
 */
function main(options) {
  return (tree, context) => {
    const problem = nameProblem(options.name);
    if (problem) throw new SchematicsException(problem);
    const name = /** @type {string} */ (options.name);

    const topologies = readJson(tree, 'topologies.json');
    if (
      !Array.isArray(topologies.modules) ||
      typeof topologies.topologies !== 'object' ||
      topologies.topologies === null
    ) {
      throw new SchematicsException('topologies.json needs a "modules" list and a "topologies" object; fix it first.');
    }
    const nestCli = readJson(tree, 'nest-cli.json');
    const modulesTs = readText(tree, MODULES_TS);
    const markers = modulesTsProblem(modulesTs);
    if (markers) throw new SchematicsException(markers);
    const traces = existingTraces(tree, name, { topologies, nestCli, modulesTs });
    if (traces.length > 0) {
      throw new SchematicsException(
        `Module "${name}" already exists: ${traces.join(', ')}. Nothing was written; this generator never overwrites, so choose another name.`,
      );
    }
    const twin = sameClassNameAs(name, topologies.modules ?? []);
    if (twin) {
      throw new SchematicsException(
        `Module name "${name}" would make the same class names as module "${twin}" (${strings.classify(name)}Module): nothing was written; choose another name.`,
      );
    }
    const clash = identifierClash(name, templateSources(name), [{ path: MODULES_TS, text: modulesTs }]);
    if (clash) throw new SchematicsException(clash);

    const { document, placements } = addModule(topologies, name);
    // Computed before anything is written: a Compose service of the new name refuses the module.
    const compose = composeEdits(tree, 'deploy', name, topologies.modules, document);
    const clashes = compose.flatMap(({ path, result }) => ('clash' in result ? [`${path}: ${result.clash}`] : []));
    if (clashes.length > 0) {
      throw new SchematicsException(
        `Module name "${name}" is taken: ${clashes.join('; ')}. Nothing was written; choose another name.`,
      );
    }

    tree.overwrite('topologies.json', formatTopologies(document));
    tree.overwrite('nest-cli.json', formatNestCli(addServiceProject(nestCli, name)));
    tree.overwrite(MODULES_TS, addToModulesTs(modulesTs, name));
    for (const [topology, placement] of Object.entries(placements)) {
      context.logger.info(
        `topology ${topology}: ${name} ${placement === 'monolith' ? 'runs in the monolith' : `runs as a service at ${placement.service}`}`,
      );
    }
    for (const { path, result } of compose) {
      if ('text' in result) {
        tree.overwrite(path, result.text);
        context.logger.info(`${path}: ${result.summary}`);
      } else if ('skipped' in result) {
        context.logger.info(`${path}: unchanged, ${result.skipped}`);
      } else if ('problem' in result) {
        context.logger.warn(
          `Not generated: ${path} lists modules, but ${result.problem}; add ${name} there by hand when it should be deployed.`,
        );
      }
    }

    const scrapes = yamlEdits(tree, 'deploy', (text) => addToScrapeConfig(text, name, topologies.modules, document));
    for (const { path, result } of scrapes) {
      if ('text' in result) {
        tree.overwrite(path, result.text);
        context.logger.info(`${path}: ${result.summary}`);
      } else if ('skipped' in result) {
        context.logger.info(`${path}: unchanged, ${result.skipped}`);
      } else {
        context.logger.warn(
          `Not generated: ${path} scrapes modules, but ${result.problem}; add ${name} there by hand when it should be scraped.`,
        );
      }
    }

    const handled = new Set([...compose, ...scrapes].map(({ path }) => path));
    const lists = moduleLists(tree, 'deploy', topologies.modules).filter((path) => !handled.has(path));
    if (lists.length > 0) {
      context.logger.warn(
        `Not generated: ${lists.join(', ')} list${lists.length === 1 ? 's' : ''} modules by hand; add ${name} there when it should be deployed.`,
      );
    }

    const templates = apply(url('./files'), [
      applyTemplates({ ...strings, name, ...migrationTimestamps(options.timestamp ?? Date.now()) }),
      move('/'),
    ]);
    // MergeStrategy.Default fails on any file that exists: a second safety net behind the checks above.
    // The templates are written as Prettier formats them for a name of ordinary length; a longer
    // name moves where Prettier breaks their lines, so what they produce goes through Prettier.
    // docs/modules.md describes the module from its contract, which exists once the files are written.
    context.addTask(new RunSchematicTask('seam-modules-doc', {}));
    return chain([
      mergeWith(templates, MergeStrategy.Default),
      formatWithPrettier([`libs/${name}`, `apps/${name}-service`]),
    ]);
  };
}

/**
 * The timestamps of the module's first migrations, one millisecond apart in the order they run
 * (TypeORM orders migrations by the timestamp ending their class names): its table, then its
 * messaging tables (outbox, dead letters, inbox), then the index its inbox is pruned by. The index
 * is a migration of its own, as in the reference modules, which gained it after their messaging.
 * @param {number} timestamp
 * @returns {{ timestamp: number, messagingTimestamp: number, inboxIndexTimestamp: number }}
 */
function migrationTimestamps(timestamp) {
  return { timestamp, messagingTimestamp: timestamp + 1, inboxIndexTimestamp: timestamp + 2 };
}

/**
 * What adding the module does to each Compose file under `dir` (the YAML files that run modules).
 * @param {import('@angular-devkit/schematics').Tree} tree
 * @param {string} dir
 * @param {string} name
 * @param {string[]} modules the modules before this one
 * @param {any} topologies topologies.json with the module placed
 * @returns {Array<{ path: string, result: NonNullable<ReturnType<typeof addToCompose>> }>}
 */
function composeEdits(tree, dir, name, modules, topologies) {
  return yamlEdits(tree, dir, (text) => addToCompose(text, name, modules, topologies));
}

/**
 * What `edit` makes of each YAML file under `dir`, for the files it concerns (a result that is not `undefined`).
 * @template T
 * @param {import('@angular-devkit/schematics').Tree} tree
 * @param {string} dir
 * @param {(text: string) => T | undefined} edit
 * @returns {Array<{ path: string, result: T }>}
 */
function yamlEdits(tree, dir, edit) {
  /** @type {Array<{ path: string, result: T }>} */
  const edits = [];
  tree.getDir(dir).visit((path) => {
    if (!/\.ya?ml$/.test(path)) return;
    const result = edit(tree.readText(path));
    if (result !== undefined) edits.push({ path: path.slice(1), result });
  });
  return edits.toSorted((a, b) => a.path.localeCompare(b.path));
}

/**
 * The files under `dir` that name two modules or more: lists of modules (deployment files). Those
 * it does not edit are named in a warning.
 * @param {import('@angular-devkit/schematics').Tree} tree
 * @param {string} dir
 * @param {string[]} modules
 * @returns {string[]}
 */
function moduleLists(tree, dir, modules) {
  /** @type {string[]} */
  const found = [];
  tree.getDir(dir).visit((path) => {
    const text = tree.read(path)?.toString('utf8') ?? '';
    const named = modules.filter((module) =>
      new RegExp(`(^|[^a-z0-9-])${module}([^a-z0-9-]|-service|$)`, 'm').test(text),
    );
    if (named.length >= 2) found.push(path.slice(1));
  });
  return found.toSorted();
}

/**
 * @param {import('@angular-devkit/schematics').Tree} tree
 * @param {string} path
 * @returns {string}
 */
function readText(tree, path) {
  const content = tree.exists(path) ? tree.read(path) : null;
  if (!content) throw new SchematicsException(`No ${path} here: run the generator at the root of a Seam repository.`);
  return content.toString('utf8');
}

/**
 * @param {import('@angular-devkit/schematics').Tree} tree
 * @param {string} path
 * @returns {any}
 */
function readJson(tree, path) {
  const text = readText(tree, path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SchematicsException(
      `${path} is not valid JSON (${error instanceof Error ? error.message : error}); fix it first.`,
    );
  }
}

module.exports = { main };
