// @ts-check
// The edits that register a new module in the files the whole repository shares.
const { strings } = require('@angular-devkit/core');

/** The monolith's module list, and the two marker lines new modules are inserted above. */
const MODULES_TS = 'apps/monolith/src/modules.ts';
const IMPORTS_MARKER = '// seam:module-imports';
const LIST_MARKER = '// seam:local-modules';

/**
 * The markers modules.ts lacks, as an error message, or `undefined` when both are there.
 * @param {string} text
 * @returns {string | undefined}
 */
function modulesTsProblem(text) {
  const missing = [IMPORTS_MARKER, LIST_MARKER].filter((marker) => !text.includes(marker));
  if (missing.length === 0) return undefined;
  return (
    `${MODULES_TS} has no ${missing.map((marker) => `"${marker}"`).join(' and no ')} line, which the generator inserts new modules above: ` +
    `put "${IMPORTS_MARKER}" below the last @modules import and "${LIST_MARKER}" as the last line of LOCAL_MODULES (see docs/adding-a-module.md).`
  );
}

/**
 * modules.ts with the module imported and appended to `LOCAL_MODULES` (it starts last).
 * @param {string} text
 * @param {string} name
 * @returns {string}
 */
function addToModulesTs(text, name) {
  const moduleClass = `${strings.classify(name)}Module`;
  const data = `${strings.camelize(name)}Data`;
  return insertAbove(
    insertAbove(text, IMPORTS_MARKER, `import { ${moduleClass}, ${data} } from '@modules/${name}';`),
    LIST_MARKER,
    `local(${moduleClass}, ${data}),`,
  );
}

/**
 * @param {string} text
 * @param {string} marker
 * @param {string} line inserted with the marker's indentation
 */
function insertAbove(text, marker, line) {
  const at = text.lastIndexOf('\n', text.indexOf(marker)) + 1;
  const indent = /^[ \t]*/.exec(text.slice(at))?.[0] ?? '';
  return `${text.slice(0, at)}${indent}${line}\n${text.slice(at)}`;
}

/**
 * nest-cli.json with the project `<name>-service`, after the last application (the same entry
 * as every other module's service: its tsconfig; the build bundles it into dist/apps/<name>-service/main.js).
 * @param {any} nestCli the parsed nest-cli.json
 * @param {string} name
 * @returns {any}
 */
function addServiceProject(nestCli, name) {
  const app = `${name}-service`;
  const project = {
    type: 'application',
    root: `apps/${app}`,
    sourceRoot: `apps/${app}/src`,
    entryFile: 'main',
    compilerOptions: {
      tsConfigPath: `apps/${app}/tsconfig.app.json`,
    },
  };
  const entries = Object.entries(nestCli.projects ?? {});
  const lastApp = entries.findLastIndex(([, existing]) => existing?.type === 'application');
  entries.splice(lastApp + 1, 0, [app, project]);
  return { ...nestCli, projects: Object.fromEntries(entries) };
}

module.exports = { IMPORTS_MARKER, LIST_MARKER, MODULES_TS, addServiceProject, addToModulesTs, modulesTsProblem };
