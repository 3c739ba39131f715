import { ErrorCode } from '@seam/transport';

/** One kind of problem the HTTP API answers with: always the same status, code and title. */
export interface ProblemType {
  /** The `type` member: a tag URI (RFC 4151) naming the kind; an identifier, not a page. */
  readonly uri: string;
  readonly title: string;
  readonly status: number;
  /** The Seam error code clients branch on; HTTP-only problems use the nearest one. */
  readonly code: ErrorCode;
}

const type = (slug: string, status: number, code: ErrorCode, title: string): ProblemType =>
  Object.freeze({ uri: `tag:seam.local,2026:problems/${slug}`, title, status, code });

/**
 * Every problem type of the HTTP API. The contract errors map 1:1 (by code); five more come
 * from HTTP itself: a body that is not JSON, a body over the limit, a route that does not exist,
 * a method the route does not allow, and a client refused by throttling (429, with
 * `Retry-After`; code `UNAVAILABLE`, the one that tells a client to try again later).
 * Every `unavailable` problem (503: a module, its database — `details.reason`
 * `database-unavailable` in the module's log — or a neighbour is down or shutting down) carries
 * `Retry-After: 1` too (see `UNAVAILABLE_RETRY_AFTER_SECONDS`).
 */
export const PROBLEM_TYPES = Object.freeze({
  validation: type('validation', 400, ErrorCode.Validation, 'The request is invalid'),
  malformedJson: type('malformed-json', 400, ErrorCode.Validation, 'The request body is not valid JSON'),
  payloadTooLarge: type('payload-too-large', 413, ErrorCode.Validation, 'The request body is too large'),
  unauthorized: type('unauthorized', 401, ErrorCode.Unauthorized, 'Authentication is required'),
  forbidden: type('forbidden', 403, ErrorCode.Forbidden, 'Not allowed'),
  notFound: type('not-found', 404, ErrorCode.NotFound, 'Not found'),
  noRoute: type('no-route', 404, ErrorCode.NotFound, 'No such route'),
  methodNotAllowed: type('method-not-allowed', 405, ErrorCode.NotFound, 'Method not allowed on this route'),
  conflict: type('conflict', 409, ErrorCode.Conflict, 'Conflict with the current state'),
  tooManyRequests: type('too-many-requests', 429, ErrorCode.Unavailable, 'Too many requests'),
  unavailable: type('unavailable', 503, ErrorCode.Unavailable, 'Service unavailable'),
  deadlineExceeded: type('deadline-exceeded', 504, ErrorCode.DeadlineExceeded, 'The request took too long'),
  internal: type('internal', 500, ErrorCode.Internal, 'Internal error'),
});

/** The problem type of each Seam error code: the closed set maps 1:1 to HTTP statuses. */
export const PROBLEM_TYPE_OF_CODE: Readonly<Record<ErrorCode, ProblemType>> = Object.freeze({
  [ErrorCode.Validation]: PROBLEM_TYPES.validation,
  [ErrorCode.Unauthorized]: PROBLEM_TYPES.unauthorized,
  [ErrorCode.Forbidden]: PROBLEM_TYPES.forbidden,
  [ErrorCode.NotFound]: PROBLEM_TYPES.notFound,
  [ErrorCode.Conflict]: PROBLEM_TYPES.conflict,
  [ErrorCode.Unavailable]: PROBLEM_TYPES.unavailable,
  [ErrorCode.DeadlineExceeded]: PROBLEM_TYPES.deadlineExceeded,
  [ErrorCode.Internal]: PROBLEM_TYPES.internal,
  // A module refused the edge itself: the system is wired wrong, which is no fault of the client.
  [ErrorCode.PermissionDenied]: PROBLEM_TYPES.internal,
  // A module could not authenticate the edge (keys missing or mismatched): a deployment fault too.
  [ErrorCode.Unauthenticated]: PROBLEM_TYPES.internal,
});
