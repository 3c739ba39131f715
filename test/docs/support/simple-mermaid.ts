// A check of the Mermaid the docs generator writes, in place of a Mermaid parser (a heavy dependency
// the project does without): the renderer keeps to a handful of line forms that every version reads.
import { expect } from '@jest/globals';

const ID = '[A-Za-z][A-Za-z0-9_]*';
const LABEL = '"[^"]*"';
/** The only line forms the renderer means to write: plain syntax that every Mermaid version reads. */
const GRAPH_LINE = new RegExp(
  [
    'flowchart LR',
    `  subgraph ${ID}\\[${LABEL}\\]`,
    `  end`,
    ` {2,4}${ID}(\\[${LABEL}\\]|\\(\\[${LABEL}\\]\\)|\\{\\{${LABEL}\\}\\})`,
    `  ${ID} (-->|-\\.->) ${ID}`,
  ]
    .map((form) => `^${form}$`)
    .join('|'),
);

/**
 * Checks a flowchart against {@link GRAPH_LINE}, and that every edge joins ids declared as a node or
 * subgraph. Stands in for a Mermaid parser, which the project does not depend on.
 */
export function expectSimpleMermaid(lines: readonly string[]): void {
  for (const line of lines) expect(line).toMatch(GRAPH_LINE);
  const declared = new Set(lines.flatMap((line) => /^\s+(?:subgraph )?(\w+)[[({]/.exec(line)?.[1] ?? []));
  for (const line of lines) {
    const [, from, to] = new RegExp(`^  (${ID}) -\\.?-> (${ID})$`).exec(line) ?? [];
    if (from !== undefined) expect([from, to].filter((id) => !declared.has(id!))).toEqual([]);
  }
}
