import { HttpException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ErrorCode } from '../errors/error-codes.js';
import { type WireError, SeamError } from '../errors/seam-error.js';
import { isTransientDatabaseError } from '../errors/transient-database-errors.js';
import { isWireError } from '../errors/wire-errors.js';

/** What Nest's guards throw when `canActivate` returns false. */
const NEST_FORBIDDEN_MESSAGE = 'Forbidden resource';

const INTERNAL: WireError = { code: ErrorCode.Internal, message: 'Internal error', details: {} };

/** `details.reason` of the Unavailable error a transient database failure becomes. */
export const DATABASE_UNAVAILABLE = 'database-unavailable';

/** Says nothing of the database (no driver message, no SQL): it may name internals. */
const TRANSIENT_DATABASE: WireError = {
  code: ErrorCode.Unavailable,
  message: 'The database is busy or unreachable; try again',
  details: { reason: DATABASE_UNAVAILABLE },
};

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.Validation,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  422: ErrorCode.Validation,
  503: ErrorCode.Unavailable,
  504: ErrorCode.DeadlineExceeded,
};

/** A wire error, and whether it was unexpected (and so must be logged by the callee). */
export interface MappedError {
  wire: WireError;
  unexpected: boolean;
  /** Set when a transient database failure became Unavailable: logged as a warning, not as a bug. */
  transient?: true;
}

/**
 * Maps anything a handler threw to the wire form its caller receives. Seam errors pass unchanged;
 * Nest's guard refusal becomes Forbidden; an `HttpException` keeps its meaning (mapped statuses keep
 * their message, others are masked); a transient database failure (busy, locked, deadlocked,
 * unreachable: see `isTransientDatabaseError`) becomes Unavailable with reason
 * {@link DATABASE_UNAVAILABLE} — retryable, a 503 at the HTTP edge, the same call may succeed;
 * everything else becomes a generic Internal error — no message, no stack.
 */
export function toWireError(exception: unknown): MappedError {
  if (exception instanceof SeamError) return { wire: exception.toJSON(), unexpected: false };
  if (exception instanceof RpcException) {
    const error = exception.getError();
    if (isWireError(error)) {
      // Fields by name, not by spread: an Error's `message` is not enumerable (a SeamError inside an
      // RpcException would lose it), and extra fields of the payload must not travel.
      return { wire: { code: error.code, message: error.message, details: error.details ?? {} }, unexpected: false };
    }
    if (error === NEST_FORBIDDEN_MESSAGE) {
      return { wire: { code: ErrorCode.Forbidden, message: NEST_FORBIDDEN_MESSAGE, details: {} }, unexpected: false };
    }
    return { wire: INTERNAL, unexpected: true };
  }
  if (exception instanceof HttpException) {
    const code = HTTP_STATUS_CODES[exception.getStatus()];
    if (code) return { wire: { code, message: exception.message, details: {} }, unexpected: false };
  }
  if (isTransientDatabaseError(exception)) return { wire: TRANSIENT_DATABASE, unexpected: false, transient: true };
  return { wire: INTERNAL, unexpected: true };
}
