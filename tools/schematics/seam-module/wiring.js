// @ts-check
// The edits that register a new module in the files the whole repository shares.
const { strings } = require('@angular-devkit/core');
const { PRINT_WIDTH, formatJson } = require('./format.js');

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
 * modules.ts with the module imported and appended to `LOCAL_MODULES` (it starts last). The import
 * takes one line when it fits, one line per name otherwise, as Prettier writes it.
 * @param {string} text
 * @param {string} name
 * @returns {string}
 */
function addToModulesTs(text, name) {
  const names = [`${strings.classify(name)}Module`, `${strings.camelize(name)}Data`];
  const from = `from '@modules/${name}';`;
  const line = `import { ${names.join(', ')} } ${from}`;
  const importText = fitsAbove(text, IMPORTS_MARKER, line)
    ? line
    : ['import {', ...names.map((imported) => `  ${imported},`), `} ${from}`].join('\n');
  return insertAbove(insertAbove(text, IMPORTS_MARKER, importText), LIST_MARKER, `local(${names.join(', ')}),`);
}

/**
 * Whether `line`, with the marker's indentation, fits in Prettier's print width.
 * @param {string} text
 * @param {string} marker
 * @param {string} line
 */
function fitsAbove(text, marker, line) {
  return markerIndent(text, marker).length + line.length <= PRINT_WIDTH;
}

/**
 * @param {string} text
 * @param {string} marker
 * @param {string} lines inserted with the marker's indentation
 */
function insertAbove(text, marker, lines) {
  const at = text.lastIndexOf('\n', text.indexOf(marker)) + 1;
  const indent = markerIndent(text, marker);
  const indented = lines
    .split('\n')
    .map((line) => `${indent}${line}\n`)
    .join('');
  return `${text.slice(0, at)}${indented}${text.slice(at)}`;
}

/**
 * The indentation of the marker's line.
 * @param {string} text
 * @param {string} marker
 */
function markerIndent(text, marker) {
  const at = text.lastIndexOf('\n', text.indexOf(marker)) + 1;
  return /^[ \t]*/.exec(text.slice(at))?.[0] ?? '';
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

/**
 * nest-cli.json as the repository lays it out: every object one entry per line (as JSON.stringify
 * spreads them, which Prettier keeps), an array on one line when it fits.
 * @param {any} nestCli
 * @returns {string}
 */
function formatNestCli(nestCli) {
  return formatJson(nestCli, () => true);
}

module.exports = {
  IMPORTS_MARKER,
  LIST_MARKER,
  MODULES_TS,
  addServiceProject,
  addToModulesTs,
  formatNestCli,
  modulesTsProblem,
};
