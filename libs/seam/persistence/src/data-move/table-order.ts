import { DataMoveError } from './data-move.error.js';

/** A table and the tables its foreign keys point to. */
export interface TableDependencies {
  /** The table's name. */
  readonly name: string;
  /** Tables it references (itself included or not: a self-reference is ignored). */
  readonly references: readonly string[];
}

/**
 * Orders tables so that every table comes after the tables it references: the order to insert
 * in (delete in the reverse order). Ties keep the input order, so the result is deterministic.
 * References to tables outside the list are ignored (they are not the module's).
 *
 * @throws DataMoveError `failed` on a cycle of foreign keys between tables, naming them:
 *   copying such tables needs deferred constraints, which the move does not rely on.
 */
export function insertionOrder(tables: readonly TableDependencies[]): string[] {
  const names = new Set(tables.map(({ name }) => name));
  const pending = new Map(
    tables.map(({ name, references }) => [
      name,
      new Set(references.filter((other) => other !== name && names.has(other))),
    ]),
  );
  const ordered: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].find(([, references]) => [...references].every((other) => !pending.has(other)));
    if (!ready)
      throw new DataMoveError(
        'failed',
        `foreign keys form a cycle between tables ${[...pending.keys()].join(', ')}: cannot order the copy`,
      );
    ordered.push(ready[0]);
    pending.delete(ready[0]);
  }
  return ordered;
}
