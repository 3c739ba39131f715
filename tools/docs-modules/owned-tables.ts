// The tables of a module's own database, read from its sources without running them (apps alone may
// import a module's core): the tables of its TypeORM entities and those its migrations create.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MESSAGING_TABLES } from '@seam/messaging';
import { byText, type OwnedTable } from './modules-doc.types.js';

const SPEC_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;
/** The keys of `MESSAGING_TABLES` in words. */
const MESSAGING_ROLES: Readonly<Record<string, string>> = {
  outbox: 'outbox',
  deadLetters: 'dead letters',
  inbox: 'inbox',
};

/** A table whose name the reader could not work out: the document would be wrong, so it is not written. */
export class OwnedTablesError extends Error {
  override readonly name = 'OwnedTablesError';
}

/**
 * Reads the tables `module` owns under `libs/<module>/core/src` of `root`:
 * `@Entity({ name: '…' })` (or `@Entity('…')`) classes, `new Table({ name: '…' })` of migrations,
 * and the outbox and inbox tables when a migration calls `createMessagingTables`.
 *
 * @returns the tables, sorted by name (empty when the module has no core).
 * @throws OwnedTablesError for an `@Entity` without a literal table name.
 */
export function ownedTables(root: string, module: string): OwnedTable[] {
  const tables = new Map<string, OwnedTable>();
  const add = (table: OwnedTable) => tables.set(table.name, { ...tables.get(table.name), ...table });
  for (const file of sourceFiles(join(root, 'libs', module, 'core', 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/@Entity\(([^)]*)\)/g)) {
      const name = /^\s*(?:\{\s*name:\s*)?'([^']+)'/.exec(match[1]!)?.[1];
      const entity = /export class (\w+)/.exec(text.slice(match.index))?.[1];
      if (name === undefined || entity === undefined)
        throw new OwnedTablesError(
          `${relative(root, file)}: write the entity's table name as a literal, @Entity({ name: 'table' }) on an exported class`,
        );
      add({ name, entity });
    }
    for (const match of text.matchAll(/new Table\(\{\s*name:\s*'([^']+)'/g)) add({ name: match[1]! });
    if (/\bcreateMessagingTables\(/.test(text))
      for (const [role, name] of Object.entries(MESSAGING_TABLES))
        add({ name, messaging: MESSAGING_ROLES[role] ?? role });
  }
  return [...tables.values()].toSorted((a, b) => byText(a.name, b.name));
}

/** `.ts` sources below `dir`, specs left out (they build tables of their own). */
function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !SPEC_FILE.test(file))
    .toSorted();
}
