import type { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE } from '../../data-source-options.js';
import { DATA_MOVES_TABLE } from '../module-tables.js';

/** Every row of every table of a module, as text, sorted: equal dumps mean equal data. */
export type ModuleRows = Record<string, string[][]>;

/**
 * Reads every table of a module's DataSource (SQLite file or PostgreSQL schema), except the
 * migration history and the move marker, with each value cast to text in SQL — exact for
 * 64-bit integers — and booleans written `1`/`0` on both databases. For tests that compare a
 * move's source and target row for row. Rows are sorted in JS, since the two databases may
 * collate text differently.
 */
export async function moduleRows(dataSource: DataSource): Promise<ModuleRows> {
  const postgres = dataSource.options.type === 'postgres';
  const schema = postgres ? (dataSource.options as { schema?: string }).schema : undefined;
  const tables: Array<{ name: string }> = postgres
    ? await dataSource.query(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
        [schema],
      )
    : await dataSource.query(
        String.raw`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`,
      );
  const rows: ModuleRows = {};
  const names = tables
    .map((table) => table.name)
    .filter((table) => table !== MIGRATIONS_TABLE && table !== DATA_MOVES_TABLE);
  for (const name of names.toSorted()) {
    const columns: Array<{ name: string }> = postgres
      ? await dataSource.query(
          'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
          [schema, name],
        )
      : await dataSource.query('SELECT name FROM pragma_table_info(?) ORDER BY cid', [name]);
    const table = postgres ? `"${schema}"."${name}"` : `"${name}"`;
    const select = columns.map((column) => `CAST("${column.name}" AS TEXT) AS "${column.name}"`).join(', ');
    const records: Array<Record<string, string | null>> = await dataSource.query(`SELECT ${select} FROM ${table}`);
    rows[name] = records
      .map((record) => columns.map((column) => normalise(record[column.name])))
      .toSorted((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return rows;
}

function normalise(value: string | null): string {
  if (value === null) return '<null>';
  return value === 'true' ? '1' : value === 'false' ? '0' : value;
}
