import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/** The SQL function `unicodeLower` registers on SQLite. */
const SQLITE_FUNCTION = 'catalog_lower';

/**
 * The name of a SQL function that lower-cases all of Unicode, not ASCII only, on the DataSource's
 * database: PostgreSQL's own `LOWER`, and on SQLite `String.prototype.toLowerCase`, registered here
 * on the DataSource's one connection. SQLite's `LOWER` folds ASCII only: a search for "éclair"
 * missed "Éclair" there while PostgreSQL found it. Registered deterministic, so SQLite may treat it
 * as it does a built-in. Call once the DataSource is initialised (its connection is open).
 */
export function unicodeLower(dataSource: DataSource): string {
  if (dataSource.options.type !== 'better-sqlite3') return 'LOWER';
  const { databaseConnection } = dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database };
  databaseConnection.function(SQLITE_FUNCTION, { deterministic: true }, (text) =>
    typeof text === 'string' ? text.toLowerCase() : text,
  );
  return SQLITE_FUNCTION;
}
