import { HttpException, HttpStatus } from '@nestjs/common';

/** The `Retry-After` header of a 429 (RFC 9110 §10.2.3): whole seconds, at least 1. */
export const retryAfter = (seconds: number): string => String(Math.max(1, Math.ceil(seconds)));

/**
 * A request refused by throttling, answered `429` as a problem document (`too-many-requests`).
 * The thrower sets `Retry-After` on the response first: the problem filter keeps headers already set.
 */
export class TooManyRequestsException extends HttpException {
  constructor(detail: string) {
    super(detail, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** Sets `Retry-After` on an Express or Node response. */
export function setRetryAfter(response: { setHeader(name: string, value: string): unknown }, seconds: number): void {
  response.setHeader('Retry-After', retryAfter(seconds));
}
