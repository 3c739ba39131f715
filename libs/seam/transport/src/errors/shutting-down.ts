import { ErrorCode } from './error-codes.js';
import { UnavailableError } from './seam-error.js';

/** The `reason` of the refusal a server answers once it takes no new work (see {@link shuttingDownError}). */
const SHUTTING_DOWN = 'shutting-down';

/**
 * The answer of a process that is stopping to a request it has not started: `UnavailableError`
 * with reason `shutting-down`. The request was not run, so the caller may send it again elsewhere,
 * whatever the entry's idempotency.
 */
export function shuttingDownError(endpoint: string): UnavailableError {
  return new UnavailableError(`${endpoint} is shutting down`, { reason: SHUTTING_DOWN });
}

/**
 * Whether `error` — a `SeamError` or its wire form — is a {@link shuttingDownError}: a refusal that
 * says nothing against the callee's health and leaves nothing half-done.
 */
export function isShuttingDownRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, details } = error as { code?: unknown; details?: { reason?: unknown } };
  return code === ErrorCode.Unavailable && details?.reason === SHUTTING_DOWN;
}
