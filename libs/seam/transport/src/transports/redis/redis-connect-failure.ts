/** Redis's answers to credentials it refuses (or to a connection that gave none). */
const REFUSED_CREDENTIALS = /^(WRONGPASS|NOAUTH)\b|^ERR AUTH\b/;

/**
 * The error a Redis connection failed to start with, as an operator reads it. When Redis closes
 * the connection during the handshake (credentials refused, or nothing listening), ioredis rejects
 * the connect with "Connection is closed." and gives the reason only in an `error` event before:
 * `lastError` is that reason. The message names `where` (an address without credentials), the
 * reason and, when known, what to change; `cause` keeps ioredis's error.
 */
export function redisConnectFailure(error: unknown, lastError: Error | undefined, where: string): Error {
  const reason = lastError ? reasonOf(lastError) : error instanceof Error ? error.message : String(error);
  const advice = adviceFor(reason, (lastError as NodeJS.ErrnoException | undefined)?.code);
  return new Error(`${where}: could not connect to Redis: ${reason}${advice ? ` — ${advice}` : ''}`, {
    cause: error,
  });
}

function adviceFor(reason: string, code: string | undefined): string | undefined {
  if (REFUSED_CREDENTIALS.test(reason))
    return 'check the credentials: SEAM_REDIS_USERNAME with SEAM_REDIS_PASSWORD (or _FILE), else the user:password of the Redis address';
  if (code === 'ECONNREFUSED') return 'is Redis running there? Start it, or fix the Redis address in the topology';
  return undefined;
}

/** A connection to a name with several addresses fails with an AggregateError whose own message is empty. */
function reasonOf(error: Error): string {
  const { errors } = error as Partial<AggregateError>;
  if (Array.isArray(errors) && errors.length > 0)
    return errors.map((inner: unknown) => (inner as Error)?.message ?? String(inner)).join('; ');
  return error.message || error.name;
}
