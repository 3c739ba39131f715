// One module's table: what it answers and publishes, what it consumes, the tables it owns and the
// processes that run it.
import { ANY_CALLER } from '../deploy/contract-access.js';
import { cell, code, markdownTable } from './markdown.js';
import { byText, type DocEntry, type DocPlacement, type ModulesDocInput } from './modules-doc.types.js';

/** The column titles of every module table. */
export const MODULE_TABLE_HEADER = ['Part', 'Name', 'Details'] as const;

const names = (list: readonly string[]): string =>
  list.length === 0
    ? 'none'
    : list
        .toSorted(byText)
        .map((name) => (name === ANY_CALLER ? `anyone (${code(ANY_CALLER)})` : code(name)))
        .join(', ');

/** Whether `module` is among an allow-list's names, or the list admits anyone. */
const admits = (allowed: readonly string[], module: string): boolean =>
  allowed.includes(module) || (allowed.length === 1 && allowed[0] === ANY_CALLER);

/**
 * The rows of `module`'s table, in a fixed order: entries, events published, events consumed
 * (those whose `subscribers` name the module, or are `*`), tables, deployables; each group sorted
 * by name.
 */
export function moduleRows(input: ModulesDocInput, module: string): string[][] {
  const entries = input.entries.toSorted((a, b) => byText(a.pattern, b.pattern));
  const own = (kind: DocEntry['kind']) => entries.filter((entry) => entry.module === module && entry.kind === kind);
  const rows: string[][] = [];
  for (const entry of own('request')) {
    rows.push(['entry', contractName(entry), `callers: ${names(entry.allowed)}`]);
  }
  for (const entry of own('event')) {
    rows.push(['publishes', contractName(entry), `subscribers: ${names(entry.allowed)}`]);
  }
  for (const entry of entries) {
    if (entry.kind === 'event' && entry.module !== module && admits(entry.allowed, module))
      rows.push(['consumes', contractName(entry), `published by ${code(entry.module)}`]);
  }
  for (const table of (input.tables[module] ?? []).toSorted((a, b) => byText(a.name, b.name))) {
    const via = table.entity
      ? `entity ${code(table.entity)}`
      : table.messaging
        ? `${table.messaging} of ${code('@seam/messaging')}`
        : 'created by a migration';
    rows.push(['table', code(table.name), via]);
  }
  for (const [app, placements] of deployables(input.placements, module)) {
    const root = input.projects[app];
    const where = root === undefined ? 'not a project of nest-cli.json' : code(root);
    const topologies = placements
      .map(
        (placement) => code(placement.topology) + (placement.replicas > 1 ? ` (${placement.replicas} replicas)` : ''),
      )
      .join(', ');
    rows.push(['deployable', code(app), `${where}; topologies ${topologies}`]);
  }
  return rows.map((row) => row.map(cell));
}

/** `module`'s section: a heading, its contract's import, its table. */
export function moduleSection(input: ModulesDocInput, module: string): string {
  const contracts = [
    ...new Set(input.entries.filter((entry) => entry.module === module).map((entry) => entry.contract)),
  ].toSorted(byText);
  const intro =
    contracts.length === 0
      ? 'No contract: nothing outside the module can call it.'
      : `Contract ${contracts.map(code).join(', ')} of ${code(`@contracts/${module}`)}.`;
  const rows = moduleRows(input, module);
  const table = rows.length === 0 ? '' : `\n\n${markdownTable(MODULE_TABLE_HEADER, rows)}`;
  return `## ${module}\n\n${intro}${table}\n`;
}

function contractName(entry: DocEntry): string {
  return `${code(entry.pattern)} (${code(`${entry.contract}.${entry.name}`)})`;
}

/** The apps that serve `module`, each with the topologies (sorted) in which it does. */
function deployables(placements: readonly DocPlacement[], module: string): [string, DocPlacement[]][] {
  const byApp = new Map<string, DocPlacement[]>();
  for (const placement of placements) {
    if (!placement.hosts.includes(module)) continue;
    byApp.set(placement.app, [...(byApp.get(placement.app) ?? []), placement]);
  }
  return [...byApp]
    .map(([app, list]): [string, DocPlacement[]] => [app, list.toSorted((a, b) => byText(a.topology, b.topology))])
    .toSorted(([a], [b]) => byText(a, b));
}
