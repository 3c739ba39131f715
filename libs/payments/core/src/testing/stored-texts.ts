import type { DataSource } from 'typeorm';

/** One stored value, wherever it is. */
export interface StoredText {
  table: string;
  column: string;
  /** The value as text (numbers and blobs too: a card number could hide in any type). */
  text: string;
}

/**
 * Every non-null value of every column of every table `dataSource` sees (the SQLite file, or the
 * current PostgreSQL schema), as text. Only for specs: a scan for data that must not be stored.
 */
export async function storedTexts(dataSource: DataSource): Promise<StoredText[]> {
  const found: StoredText[] = [];
  for (const table of await tablesOf(dataSource)) {
    const rows = (await dataSource.query(`SELECT * FROM "${table}"`)) as Array<Record<string, unknown>>;
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value !== null && value !== undefined) found.push({ table, column, text: textOf(value) });
      }
    }
  }
  return found;
}

/** The tables of the database or schema, system tables of SQLite included. */
export async function tablesOf(dataSource: DataSource): Promise<string[]> {
  const rows = (await dataSource.query(
    dataSource.options.type === 'postgres'
      ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
      : `SELECT name FROM sqlite_master WHERE type = 'table'`,
  )) as Array<{ name: string }>;
  return rows.map((row) => row.name).toSorted();
}

function textOf(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
