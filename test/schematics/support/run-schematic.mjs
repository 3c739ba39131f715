// @ts-check
// Runs schematic cases with @angular-devkit's SchematicTestRunner in a plain Node process, for
// seam-module.spec.ts: inside jest (30, on Node 20) the devkit cannot load, because jest's require
// cannot load the ES-only module it requires (magic-string) and Node's require can.
//
// stdin:  { "collection": "<path of collection.json>", "cases": [{ "id", "schematic", "options", "files" }] }
// stdout: [{ "id", "files", "error", "unchanged", "logs" }]: the tree after the run (path -> text),
//         the schematic's error message if it refused, whether the tree it was given is unchanged,
//         and what it logged.
import { createRequire } from 'node:module';

// CommonJS packages without an "exports" map: their subpaths resolve through require only.
const require = createRequire(import.meta.url);
/** @type {typeof import('@angular-devkit/schematics')} */
const { HostTree } = require('@angular-devkit/schematics');
/** @type {typeof import('@angular-devkit/schematics/testing')} */
const { SchematicTestRunner } = require('@angular-devkit/schematics/testing');

// Read asynchronously: readFileSync(0) fails with EAGAIN when the pipe is non-blocking.
/** @type {Buffer[]} */
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { collection, cases } = JSON.parse(Buffer.concat(chunks).toString('utf8'));

/** @param {import('@angular-devkit/schematics').Tree} tree @returns {Record<string, string>} */
function contents(tree) {
  /** @type {Record<string, string>} */
  const files = {};
  tree.visit((path) => void (files[path.slice(1)] = tree.readText(path)));
  return files;
}

/** @type {object[]} */
const results = [];
for (const { id, schematic, options, files } of cases) {
  const runner = new SchematicTestRunner('@seam/schematics', collection);
  /** @type {string[]} */
  const logs = [];
  runner.logger.subscribe((entry) => logs.push(entry.message));
  const tree = new HostTree();
  for (const [path, text] of Object.entries(files)) tree.create(path, text);
  const before = JSON.stringify(contents(tree));
  try {
    const after = await runner.runSchematic(schematic, options, tree);
    results.push({ id, files: contents(after), logs });
  } catch (error) {
    results.push({
      id,
      error: error instanceof Error ? error.message : String(error),
      unchanged: JSON.stringify(contents(tree)) === before,
      logs,
    });
  }
}
process.stdout.write(JSON.stringify(results));
