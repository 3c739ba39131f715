import { STATUS_CODES } from 'node:http';
import { HttpException, NotFoundException } from '@nestjs/common';
import { ErrorCode, type FieldViolation, SeamError, ValidationError } from '@seam/transport';
import { PROBLEM_TYPE_OF_CODE, PROBLEM_TYPES, type ProblemType } from './problem-types.js';

/** The body of every error response: RFC 9457 members plus Seam's `code` and `correlationId`. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The path of the request that failed. */
  instance: string;
  code: ErrorCode;
  /** The W3C trace id of the request, as in its `x-correlation-id` response header. */
  correlationId: string;
  /** For validation problems: each offending field (`lines[1].quantity`) and what is wrong. */
  errors?: FieldViolation[];
}

/** What the edge knows of the failed request when it maps an error. */
export interface ProblemContext {
  method: string;
  path: string;
  /** Whether the request carried an `Authorization` header (401s then say the token is invalid). */
  presentedCredentials: boolean;
  /** For a request no route matched: the methods the path does allow (405 when any). */
  allowedMethods?: readonly string[];
}

/** An error as the HTTP API answers it, before the per-request members are added. */
export interface Problem {
  type: ProblemType;
  detail: string;
  errors?: FieldViolation[];
  headers: Record<string, string>;
  /** `warn` for neighbours that failed, `error` for bugs (logged with the cause); the client's own mistakes are not logged. */
  log?: 'warn' | 'error';
}

/**
 * `Retry-After` of every `503` problem (`unavailable`: a module, its database or a neighbour is
 * down or shutting down), in seconds: short, since the edge cannot know when it comes back, and the
 * caller's next try may reach another replica; a client with its own backoff keeps it.
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/** Server-side failures never show their message: it may name internals (patterns, hosts, SQL). */
const HIDDEN_DETAIL: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.Unavailable]: 'A service needed for this request is unavailable; try again later',
  [ErrorCode.DeadlineExceeded]: 'The request did not finish in time; it may still complete, so check before retrying',
  [ErrorCode.Internal]: 'An unexpected error occurred',
};

/**
 * Maps anything a request failed with to its problem: a Seam error by its code (the closed set
 * maps 1:1 to a status), an HTTP exception raised by Nest or Express (no route, malformed or
 * oversized body, refusing guard) by its status, anything else to a generic 500.
 */
export function problemOf(error: unknown, context: ProblemContext): Problem {
  if (error instanceof SeamError) return fromSeamError(error, context);
  if (error instanceof NotFoundException) return noRoute(context);
  if (error instanceof HttpException) return fromHttpException(error);
  return { type: PROBLEM_TYPES.internal, detail: HIDDEN_DETAIL[ErrorCode.Internal]!, headers: {}, log: 'error' };
}

function fromSeamError(error: SeamError, context: ProblemContext): Problem {
  const type = PROBLEM_TYPE_OF_CODE[error.code] ?? PROBLEM_TYPES.internal;
  const hidden = HIDDEN_DETAIL[type.code];
  const problem: Problem = { type, detail: hidden ?? error.message, headers: {} };
  if (error instanceof ValidationError) problem.errors = error.fields;
  if (type.code === ErrorCode.Unauthorized)
    problem.headers['WWW-Authenticate'] = bearerChallenge(context.presentedCredentials);
  if (type.status === 503) problem.headers['Retry-After'] = String(UNAVAILABLE_RETRY_AFTER_SECONDS);
  // A neighbour's failure, an internal one included: the module that failed logged it as an error
  // with its cause (the door's "Unexpected error in handler"); here it is a warning, so that one
  // bug is one ERROR line, the one with the stack that explains it.
  if (hidden) problem.log = 'warn';
  return problem;
}

/** RFC 6750 §3: no error code when no credentials came, `invalid_token` when they did not verify. */
function bearerChallenge(presentedCredentials: boolean): string {
  return presentedCredentials ? 'Bearer realm="seam", error="invalid_token"' : 'Bearer realm="seam"';
}

function noRoute(context: ProblemContext): Problem {
  const allowed = context.allowedMethods ?? [];
  if (allowed.length === 0)
    return { type: PROBLEM_TYPES.noRoute, detail: `There is no route ${context.method} ${context.path}`, headers: {} };
  return {
    type: PROBLEM_TYPES.methodNotAllowed,
    detail: `${context.path} does not allow ${context.method}; it allows ${allowed.join(', ')}`,
    headers: { Allow: allowed.join(', ') },
  };
}

function fromHttpException(error: HttpException): Problem {
  const status = error.getStatus();
  if (status === 413)
    return {
      type: PROBLEM_TYPES.payloadTooLarge,
      detail: 'The request body is larger than this API accepts',
      headers: {},
    };
  // Throttling: the detail says how long to wait (never hidden, never logged: the client's pace).
  if (status === 429) return { type: PROBLEM_TYPES.tooManyRequests, detail: error.message, headers: {} };
  if (status === 400 && error.cause instanceof SyntaxError)
    return { type: PROBLEM_TYPES.malformedJson, detail: error.message, headers: {} };
  const type = typeOfStatus(status);
  const hidden = HIDDEN_DETAIL[type.code];
  const problem: Problem = { type, detail: hidden ?? error.message, headers: {} };
  if (type.code === ErrorCode.Unauthorized) problem.headers['WWW-Authenticate'] = bearerChallenge(false);
  if (type.status === 503) problem.headers['Retry-After'] = String(UNAVAILABLE_RETRY_AFTER_SECONDS);
  if (hidden) problem.log = status === 503 || status === 504 ? 'warn' : 'error';
  return problem;
}

const TYPE_OF_STATUS: ReadonlyMap<number, ProblemType> = new Map(
  [
    PROBLEM_TYPES.validation,
    PROBLEM_TYPES.unauthorized,
    PROBLEM_TYPES.forbidden,
    PROBLEM_TYPES.notFound,
    PROBLEM_TYPES.conflict,
  ]
    .concat([PROBLEM_TYPES.unavailable, PROBLEM_TYPES.deadlineExceeded, PROBLEM_TYPES.internal])
    .map((type) => [type.status, type]),
);

/** A status with no problem type of its own (406, 415, 429…) gets one named after it. */
function typeOfStatus(status: number): ProblemType {
  const known = TYPE_OF_STATUS.get(status);
  if (known) return known;
  if (status >= 500) return PROBLEM_TYPES.internal;
  const title = STATUS_CODES[status] ?? 'Client error';
  return { uri: `tag:seam.local,2026:problems/http-${status}`, title, status, code: ErrorCode.Validation };
}
