// The module map as a Mermaid flowchart. No Mermaid parser is installed, so the syntax is kept to
// the plainest forms every renderer (GitHub, GitLab, mermaid.live) reads: `flowchart LR`, one
// subgraph per module, ids of letters, digits and `_`, and every label quoted.
import { ANY_CALLER } from '../deploy/contract-access.js';
import { byText, type DocEntry, type ModulesDocInput } from './modules-doc.types.js';

/**
 * Hands out flowchart ids: a prefix, `_`, and the name with anything but letters and digits made
 * `_`. The prefix keeps ids off Mermaid's keywords (`end`, `graph`) and off the `o`/`x` that would
 * turn `-->` into a circle or cross edge; names that collapse to the same id get `_2`, `_3`, ….
 */
export class MermaidIds {
  private readonly ids = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** The id of `name` of this kind; the same arguments always give the same id. */
  id(prefix: 'm' | 'r' | 'e' | 'c', name: string): string {
    const key = `${prefix} ${name}`;
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const base = `${prefix}_${name.replaceAll(/[^A-Za-z0-9]/g, '_')}`;
    let id = base;
    for (let suffix = 2; this.taken.has(id); suffix++) id = `${base}_${suffix}`;
    this.ids.set(key, id);
    this.taken.add(id);
    return id;
  }
}

/** A node label in double quotes; a double quote inside becomes Mermaid's `#quot;` entity. */
export const mermaidLabel = (text: string): string => `"${text.replaceAll('"', '#quot;')}"`;

/**
 * The flowchart: each module a subgraph holding its requests (rectangles) and events (rounded),
 * callers that are not modules as hexagons; `caller --> request` for each allowed caller and
 * `event -.-> module` for each allowed subscriber. A module's own calls and subscriptions are left
 * out: Mermaid cannot draw an edge from a subgraph into itself (the module tables list them).
 *
 * @returns the lines of the flowchart, without the code fence.
 */
export function mermaidGraph(input: ModulesDocInput): string[] {
  const ids = new MermaidIds();
  const modules = [...new Set([...input.modules, ...input.entries.map((entry) => entry.module)])].toSorted(byText);
  const entries = input.entries.toSorted((a, b) => byText(a.pattern, b.pattern));
  const moduleSet = new Set(modules);
  const others = [...new Set(entries.flatMap((entry) => entry.allowed))]
    .filter((name) => !moduleSet.has(name))
    .toSorted(byText);

  // Ids are handed out in one fixed order, so a collision suffix always lands on the same name.
  for (const module of modules) ids.id('m', module);
  const entryId = (entry: DocEntry) => ids.id(entry.kind === 'request' ? 'r' : 'e', entry.pattern);
  for (const entry of entries) entryId(entry);
  const callerId = (name: string) =>
    moduleSet.has(name) ? ids.id('m', name) : ids.id('c', name === ANY_CALLER ? 'any' : name);
  for (const name of others) callerId(name);

  const lines = ['flowchart LR'];
  for (const name of others) {
    lines.push(`  ${callerId(name)}{{${mermaidLabel(name === ANY_CALLER ? 'anyone (*)' : name)}}}`);
  }
  for (const module of modules) {
    const own = entries.filter((entry) => entry.module === module);
    if (own.length === 0) {
      lines.push(`  ${ids.id('m', module)}[${mermaidLabel(module)}]`);
      continue;
    }
    lines.push(`  subgraph ${ids.id('m', module)}[${mermaidLabel(module)}]`);
    for (const entry of own) {
      const label = mermaidLabel(entry.pattern);
      lines.push(`    ${entryId(entry)}${entry.kind === 'request' ? `[${label}]` : `([${label}])`}`);
    }
    lines.push('  end');
  }
  const edges = new Set<string>();
  for (const entry of entries) {
    for (const name of entry.allowed) {
      if (name === entry.module) continue;
      edges.add(
        entry.kind === 'request'
          ? `  ${callerId(name)} --> ${entryId(entry)}`
          : `  ${entryId(entry)} -.-> ${callerId(name)}`,
      );
    }
  }
  return [...lines, ...[...edges].toSorted(byText)];
}
