// docs/modules.md is generated (`npm run docs:modules`); this fails when the committed file no
// longer says what the contracts, the modules' data and the topologies say.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import * as prettier from 'prettier';
import { loadModulesDocInput } from '../../tools/docs-modules/load-modules-doc.js';
import { DOCS_MODULES_COMMAND, renderModulesDoc } from '../../tools/docs-modules/render-modules-doc.js';
import { expectSimpleMermaid } from './support/simple-mermaid.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC_FILE = join(REPOSITORY_ROOT, 'docs', 'modules.md');

describe('docs/modules.md', () => {
  const rendered = renderModulesDoc(loadModulesDocInput(REPOSITORY_ROOT));

  it('is what the repository renders today', () => {
    const committed = readFileSync(DOC_FILE, 'utf8');

    // A plain boolean first: the message, not a 300-line diff, is what a developer needs to read.
    if (committed !== rendered) throw new Error(`docs/modules.md is stale: run ${DOCS_MODULES_COMMAND}`);
    expect(committed).toBe(rendered);
  });

  it('is left unchanged by prettier, so npm run lint passes on a freshly generated file', async () => {
    const options = { ...(await prettier.resolveConfig(DOC_FILE)), filepath: DOC_FILE };

    expect(await prettier.format(rendered, options)).toBe(rendered);
  });

  it('draws the module map in plain Mermaid syntax whose edges join declared nodes', () => {
    const graph = /```mermaid\n([\s\S]*?)\n```/.exec(rendered)?.[1];

    expect(graph).toBeDefined();
    expectSimpleMermaid(graph!.split('\n'));
  });

  it('shows every module, every entry of every contract and every topology', () => {
    const input = loadModulesDocInput(REPOSITORY_ROOT);

    for (const module of input.modules) expect(rendered).toContain(`\n## ${module}\n`);
    for (const entry of input.entries) expect(rendered).toContain(`| \`${entry.pattern}\` (`);
    for (const placement of input.placements) expect(rendered).toContain(`\`${placement.topology}\``);
  });
});
