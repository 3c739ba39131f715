/**
 * Whether a database error says a unique or primary key constraint refused a row — the signal
 * that a concurrent writer got there first, on SQLite (`SQLITE_CONSTRAINT_*`) and PostgreSQL (`23505`).
 */
export function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { driverError?: unknown })?.driverError ?? error;
  const code = (cause as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
