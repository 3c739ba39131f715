// `npm run docs:modules [-- --check]`: writes docs/modules.md from the repository (see
// render-modules-doc.ts); with --check, exits 1 instead of writing when the file is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadModulesDocInput } from './load-modules-doc.js';
import { DOCS_MODULES_COMMAND, renderModulesDoc } from './render-modules-doc.js';

const root = resolve(import.meta.dirname, '../..');
const file = join(root, 'docs', 'modules.md');

try {
  const text = renderModulesDoc(loadModulesDocInput(root));
  if (process.argv.includes('--check')) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current !== text) {
      console.error(`docs/modules.md is stale: run ${DOCS_MODULES_COMMAND}`);
      process.exitCode = 1;
    }
  } else {
    writeFileSync(file, text);
    console.log(`docs:modules: wrote ${file}`);
  }
} catch (error) {
  console.error(`docs:modules: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
