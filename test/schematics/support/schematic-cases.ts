// Runs seam-module schematic cases on in-memory files, for seam-module.spec.ts and
// seam-module.compose.spec.ts: all the cases of a suite in one child process (see run-schematic.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The monolith's module list, which the schematic edits. */
export const MODULES_TS = 'apps/monolith/src/modules.ts';
/** The files every run starts from: those the schematic reads and edits. */
export const SHARED_FILES = ['topologies.json', 'nest-cli.json', MODULES_TS];
/** The initial migration's timestamp in every case. */
export const TIMESTAMP = 1_800_000_000_000;

/** A file of the repository, as text. */
export const repositoryText = (path: string): string => readFileSync(join(REPOSITORY_ROOT, path), 'utf8');
/** A file of the frozen copy (fixtures/: the repository with its five modules), as text. */
export const fixtureText = (path: string): string =>
  readFileSync(
    join(REPOSITORY_ROOT, 'test/schematics/fixtures', path === MODULES_TS ? 'modules.ts.txt' : path),
    'utf8',
  );

/** A module name the repository does not use (yet): `base`, else `base-2`, `base-3`, … */
export function unusedName(base: string): string {
  const taken = (name: string) =>
    (JSON.parse(repositoryText('topologies.json')).modules as string[]).includes(name) ||
    existsSync(join(REPOSITORY_ROOT, 'libs', name));
  let name = base;
  for (let suffix = 2; taken(name); suffix += 1) name = `${base}-${suffix}`;
  return name;
}

/** One run of the schematic: its options, and files added to (or, when undefined, removed from) the fixture's. */
export interface SchematicCase {
  id: string;
  options: { name?: unknown };
  files?: Record<string, string | undefined>;
  /** Start from the repository's own shared files instead of the fixture's. */
  live?: boolean;
}

/** What a run left: the tree's files, or the error it refused with and whether its input tree is unchanged. */
export interface SchematicResult {
  files?: Record<string, string>;
  error?: string;
  unchanged?: boolean;
  logs: string[];
}

/** The files the schematic reads, and one file per module the topology file lists. */
function startingFiles({ files: overrides = {}, live = false }: SchematicCase): Record<string, string> {
  const text = live ? repositoryText : fixtureText;
  const files: Record<string, string | undefined> = Object.fromEntries(SHARED_FILES.map((path) => [path, text(path)]));
  for (const module of JSON.parse(text('topologies.json')).modules as string[]) {
    files[`libs/${module}/core/src/index.ts`] = '';
    files[`apps/${module}-service/src/main.ts`] = '';
  }
  return Object.fromEntries(
    Object.entries({ ...files, ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Runs every case in one child process (see run-schematic.mjs for why not in jest). */
export function runCases(cases: SchematicCase[]): Map<string, SchematicResult> {
  const input = {
    collection: join(REPOSITORY_ROOT, 'tools/schematics/collection.json'),
    cases: cases.map((run) => ({
      id: run.id,
      schematic: 'seam-module',
      options: { timestamp: TIMESTAMP, ...run.options },
      files: startingFiles(run),
    })),
  };
  const output = execFileSync(process.execPath, [join(REPOSITORY_ROOT, 'test/schematics/support/run-schematic.mjs')], {
    input: JSON.stringify(input),
    // The generator formats what it creates with the repository's Prettier and configuration, found from here.
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return new Map(
    (JSON.parse(output) as Array<SchematicResult & { id: string }>).map(({ id, ...result }) => [id, result]),
  );
}

/** The files a successful case produced. */
export function generated(results: Map<string, SchematicResult>, id: string): Record<string, string> {
  const result = results.get(id)!;
  if (!result.files) throw new Error(`case "${id}" was refused: ${result.error}`);
  return result.files;
}
