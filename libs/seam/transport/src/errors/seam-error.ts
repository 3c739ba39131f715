import { ErrorCode } from './error-codes.js';

/** JSON-safe details attached to an error; they cross every transport unchanged. */
export type ErrorDetails = Record<string, unknown>;

/**
 * Base class of every error a contract call can fail with. Errors are values: a stable
 * {@link ErrorCode}, a human message and JSON-safe details. A `SeamError` thrown by a handler
 * reaches the caller, over any transport, as an instance of the same subclass with the same
 * message and details; the stack never travels.
 */
export abstract class SeamError extends Error {
  /** The stable code; the only field a program should branch on. */
  abstract readonly code: ErrorCode;

  constructor(
    message: string,
    /** JSON-safe details (for validation errors: the offending fields). */
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The wire form: what travels between processes. */
  toJSON(): WireError {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** The wire form of a {@link SeamError}. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

/** One invalid field of a request: its path (`lines[0].quantity`) and what is wrong with it. */
export interface FieldViolation {
  path: string;
  messages: string[];
}

/** The input broke the contract: wrong types, unknown or missing fields, too large. Not retryable. */
export class ValidationError extends SeamError {
  readonly code = ErrorCode.Validation;

  constructor(message: string, fields: FieldViolation[] = [], details: ErrorDetails = {}) {
    super(message, { ...details, fields });
  }

  /** The offending fields, in the order they were found. */
  get fields(): FieldViolation[] {
    return (this.details.fields as FieldViolation[] | undefined) ?? [];
  }
}

/** The addressed thing does not exist (or the caller may not know that it does). */
export class NotFoundError extends SeamError {
  readonly code = ErrorCode.NotFound;
}

/** The request is valid but clashes with the current state (illegal transition, out of stock…). */
export class ConflictError extends SeamError {
  readonly code = ErrorCode.Conflict;
}

/** The caller is not authenticated (missing, expired or forged credentials). */
export class UnauthorizedError extends SeamError {
  readonly code = ErrorCode.Unauthorized;
}

/** The caller is authenticated but not allowed to do this. */
export class ForbiddenError extends SeamError {
  readonly code = ErrorCode.Forbidden;
}

/**
 * The calling module is not allowed to call this entry: the contract's `callers` (or, for a call
 * made "as the system", its `systemCallers`) do not name it. Raised at the callee's door before
 * validation and the handler, in every transport. Unlike {@link ForbiddenError} (an end user
 * lacking a right) it means the system is wired wrong; not retryable. Its details name the
 * caller and the pattern only, never the allow-list.
 */
export class PermissionDeniedError extends SeamError {
  readonly code = ErrorCode.PermissionDenied;
}

/**
 * The envelope of a call, reply or event crossing a process boundary did not prove its sender:
 * no credentials, a signature that does not verify with the key the two modules share, an
 * unknown key id, a timestamp outside the accepted window, or a replay of an envelope already
 * seen. Raised before anything else looks at the call; not retryable. Its details carry a
 * `reason` (for counters and logs) and never key material.
 */
export class UnauthenticatedError extends SeamError {
  readonly code = ErrorCode.Unauthenticated;
}

/**
 * The callee could not be reached or cannot serve the call right now: dead or unreachable
 * process, broken connection, broker down, or a pattern the callee does not serve
 * (`details.reason === 'unknown-pattern'`, typically a deploy skew). Retryable for idempotent calls.
 */
export class UnavailableError extends SeamError {
  readonly code = ErrorCode.Unavailable;
}

/**
 * The caller's own limit on concurrent calls to the callee was full (bulkhead): the call was
 * refused without being sent. An {@link UnavailableError} with `details.reason === 'overloaded'`,
 * so that it keeps its meaning on the wire; retry later.
 */
export class OverloadedError extends UnavailableError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { ...details, reason: 'overloaded' });
  }
}

/**
 * The caller's circuit breaker for the callee is open (the callee has been failing): the call
 * failed fast without being sent. An {@link UnavailableError} with `details.reason === 'circuit-open'`.
 */
export class CircuitOpenError extends UnavailableError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { ...details, reason: 'circuit-open' });
  }
}

/** The call's deadline passed before an answer arrived. The callee may still have acted. */
export class DeadlineExceededError extends SeamError {
  readonly code = ErrorCode.DeadlineExceeded;
}

/**
 * Something unexpected failed inside the callee. The message is generic on purpose: the
 * original error is logged by the callee (with the correlation id), never sent to the caller.
 */
export class InternalError extends SeamError {
  readonly code = ErrorCode.Internal;
}
