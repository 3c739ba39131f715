/**
 * SQLite's "another connection holds the lock" (`SQLITE_BUSY`, `SQLITE_LOCKED` and their extended
 * codes such as `SQLITE_BUSY_SNAPSHOT`), left once the busy timeout has run out.
 */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED)(_[A-Z]+)?$/;

/**
 * PostgreSQL SQLSTATEs after which the same statement may well succeed: serialization failure,
 * deadlock, lock not available (`lock_timeout`, `NOWAIT`), the server shutting down or starting up,
 * too many connections, and the connection exceptions of class 08. Unique and other constraint
 * violations, syntax errors and the like are not in it: they fail the same way every time.
 */
const POSTGRES_TRANSIENT = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
]);

/** Socket errors of a connection that could not be made or broke (a Node system error, `syscall` set). */
const SOCKET_TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * node-postgres reports a lost or unobtainable connection without a code: these are its messages
 * (pg 8 and pg-pool 3). Not the ones of a client this process closed on purpose.
 */
const POSTGRES_CONNECTION_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
]);

/** How deep a chain of `driverError` / `cause` is followed. */
const MAX_DEPTH = 5;

/**
 * Whether `error` says the database was momentarily unable to do the work — busy, locked,
 * deadlocked, shutting down or unreachable — so that the same call may succeed if made again:
 * SQLite busy/locked, the PostgreSQL classes of {@link POSTGRES_TRANSIENT}, and a connection to
 * the database that failed. Reads the error as the drivers shape it (`code`, TypeORM's
 * `driverError`, an `Error`'s `cause`), without importing them. Anything else — a unique
 * violation, a syntax error, a bug — is not transient.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === 'object' && current !== null; depth++) {
    if (isTransientItself(current)) return true;
    const { driverError, cause } = current as { driverError?: unknown; cause?: unknown };
    current = driverError ?? cause;
  }
  return false;
}

function isTransientItself(error: object): boolean {
  const { code, syscall, message } = error as { code?: unknown; syscall?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SQLITE_TRANSIENT.test(code) || POSTGRES_TRANSIENT.has(code)) return true;
    if (typeof syscall === 'string' && SOCKET_TRANSIENT.has(code)) return true;
  }
  return error instanceof Error && typeof message === 'string' && POSTGRES_CONNECTION_MESSAGES.has(message);
}
