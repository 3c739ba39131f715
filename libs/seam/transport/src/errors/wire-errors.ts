import { ErrorCode, isErrorCode } from './error-codes.js';
import {
  CircuitOpenError,
  ConflictError,
  DeadlineExceededError,
  type ErrorDetails,
  type FieldViolation,
  ForbiddenError,
  PermissionDeniedError,
  UnauthenticatedError,
  InternalError,
  NotFoundError,
  OverloadedError,
  SeamError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
  type WireError,
} from './seam-error.js';

/** What Nest's own servers answer for a pattern nobody handles (TCP, Redis, NATS…). */
export const NEST_NO_HANDLER_MESSAGE = 'There is no matching message handler defined in the remote service.';

const MAX_MESSAGE_LENGTH = 2_000;

/** Longest pattern quoted back in an error: a hostile pattern must not make the answer larger than the question. */
const MAX_QUOTED_PATTERN = 200;

/** Builds the error a caller sees for a pattern the callee does not serve. */
export function unknownPatternError(pattern: string): UnavailableError {
  const quoted = pattern.length > MAX_QUOTED_PATTERN ? `${pattern.slice(0, MAX_QUOTED_PATTERN)}…` : pattern;
  return new UnavailableError(`No handler for "${quoted}" at the callee`, {
    reason: 'unknown-pattern',
    pattern: quoted,
  });
}

/** Whether `value` has the shape of a {@link WireError} (decoded from an untrusted peer). */
export function isWireError(value: unknown): value is WireError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<WireError>;
  return isErrorCode(candidate.code) && typeof candidate.message === 'string';
}

/**
 * Turns what arrived as an error on the wire (from a Seam callee, a stock Nest server, or a
 * broken connection) into a {@link SeamError} instance of the right class. Never throws and never
 * returns anything else: unknown shapes become {@link InternalError}.
 */
export function errorFromWire(value: unknown): SeamError {
  if (value instanceof SeamError) return value;
  if (isWireError(value)) {
    const details = isPlainRecord(value.details) ? value.details : {};
    return restore(value.code, clip(value.message), details);
  }
  if (value === NEST_NO_HANDLER_MESSAGE || (isPlainRecord(value) && value.err === NEST_NO_HANDLER_MESSAGE)) {
    return new UnavailableError('No handler for this pattern at the callee', { reason: 'unknown-pattern' });
  }
  return new InternalError('Internal error');
}

function restore(code: ErrorCode, message: string, details: ErrorDetails): SeamError {
  switch (code) {
    case ErrorCode.Validation: {
      const { fields, ...rest } = details;
      return new ValidationError(message, Array.isArray(fields) ? (fields as FieldViolation[]) : [], rest);
    }
    case ErrorCode.NotFound:
      return new NotFoundError(message, details);
    case ErrorCode.Conflict:
      return new ConflictError(message, details);
    case ErrorCode.Unauthorized:
      return new UnauthorizedError(message, details);
    case ErrorCode.Forbidden:
      return new ForbiddenError(message, details);
    case ErrorCode.PermissionDenied:
      return new PermissionDeniedError(message, details);
    case ErrorCode.Unauthenticated:
      return new UnauthenticatedError(message, details);
    case ErrorCode.Unavailable:
      if (details.reason === 'overloaded') return new OverloadedError(message, details);
      if (details.reason === 'circuit-open') return new CircuitOpenError(message, details);
      return new UnavailableError(message, details);
    case ErrorCode.DeadlineExceeded:
      return new DeadlineExceededError(message, details);
    case ErrorCode.Internal:
      return new InternalError(message, details);
  }
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clip(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}
