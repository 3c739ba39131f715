// @ts-check
// docs/modules.md rendered again, run by seam-module as a task once the new module's files are on
// disk: the document is read from the contracts, the modules' data and topologies.json, through the
// repository's own generator (tools/docs-modules, what `npm run docs:modules` runs), which is
// TypeScript and loads the modules' sources, so it runs in a child process with the repository's
// TypeScript loader, as that script does. A failure leaves the file as it was and says what to run:
// the module is written by then, and the document can be rendered again at any time.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const DOC = 'docs/modules.md';
const GENERATOR = 'tools/docs-modules';
const LOADER = '@swc-node/register/esm-register';

// load-modules-doc.ts and render-modules-doc.ts, as main.ts uses them, printed instead of written.
const RENDER = `
const root = process.cwd();
const from = (file) => new URL(\`${GENERATOR}/\${file}\`, \`file://\${root}/\`).href;
const { loadModulesDocInput } = await import(from('load-modules-doc.ts'));
const { renderModulesDoc } = await import(from('render-modules-doc.ts'));
process.stdout.write(renderModulesDoc(loadModulesDocInput(root)));
`;

/**
 * The factory: writes docs/modules.md as `npm run docs:modules` would. A repository without the
 * document or its generator is left alone.
 * @returns {import('@angular-devkit/schematics').Rule}
 */
function main() {
  return (tree, context) => {
    const root = process.cwd();
    if (!tree.exists(DOC) || !existsSync(join(root, GENERATOR, 'render-modules-doc.ts'))) return;
    const run = spawnSync(process.execPath, ['--import', LOADER, '--input-type=module', '--eval', RENDER], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (run.status !== 0 || !run.stdout) {
      const reason = (run.error?.message ?? run.stderr).trim().split('\n').find(Boolean) ?? `exit status ${run.status}`;
      context.logger.warn(
        `Not generated: ${DOC} (${reason}); run npm run docs:modules once the module compiles, or npm test fails on a stale ${DOC}.`,
      );
      return;
    }
    if (run.stdout !== tree.readText(DOC)) tree.overwrite(DOC, run.stdout);
  };
}

module.exports = { main };
