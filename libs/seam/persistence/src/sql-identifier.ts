/**
 * Quotes an identifier for SQLite and PostgreSQL alike: wraps it in `"` and doubles any `"` in it,
 * so that no value can end the identifier. Refuses a NUL, which PostgreSQL cannot hold.
 *
 * @throws Error for a name holding a NUL character.
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error('an SQL identifier cannot hold a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}
