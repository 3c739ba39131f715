/**
 * The closed set of error codes a Seam call can fail with. The codes are part of the wire format:
 * they never change meaning, and a new one is a breaking change of every transport.
 */
export const ErrorCode = {
  Validation: 'VALIDATION',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  /** The calling module (or edge) is not on the entry's allow-list: a deployment fault, not a user's. */
  PermissionDenied: 'PERMISSION_DENIED',
  /**
   * The envelope did not prove which module sent it (no or bad signature, unknown key, stale
   * timestamp, replay): a forgery or a deployment fault, never retried.
   */
  Unauthenticated: 'UNAUTHENTICATED',
  Unavailable: 'UNAVAILABLE',
  DeadlineExceeded: 'DEADLINE_EXCEEDED',
  Internal: 'INTERNAL',
} as const;

/** One of the stable codes of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const codes = new Set<string>(Object.values(ErrorCode));

/** Whether `value` is one of the stable codes (used when decoding untrusted wire payloads). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codes.has(value);
}
