import type { ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SeamExceptionFilter } from '@seam/transport';
import { edgeCallOf, exposeCall } from '../context/edge-call.js';
import type { EdgeRequest } from '../context/edge-request.js';
import { requestPathOf } from '../context/request-path.js';
import { type ProblemDocument, problemOf } from './problem-details.js';
import { RouteTable } from './route-table.js';
import { setRetryAfter, TooManyRequestsException } from '../throttling/too-many-requests.js';
import { throttleGuardSaw } from '../throttling/edge-throttler.guard.js';
import type { UnguardedRequestThrottle } from '../throttling/unguarded-request.throttle.js';

/** The media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * The one exception filter of the HTTP API: every failure — a contract error, a refused body, a
 * missing route, a bug — is answered as an RFC 9457 problem document (see `problemOf`), with the
 * request's correlation id. Registered globally, so it also sees what Nest and Express raise
 * outside controllers. Seam servers inherit the app's global filters; a message handler's own
 * door filter always catches first, and anything that is not HTTP is left to that door logic.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpEdge');
  private readonly door = new SeamExceptionFilter();

  /**
   * `throttle`: counts the requests refused before the throttle guard ran on their address's
   * limit (none: not counted).
   */
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: RouteTable,
    private readonly throttle?: UnguardedRequestThrottle,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    // oxlint-disable-next-line promise/valid-params -- ExceptionFilter.catch, not Promise.prototype.catch
    if (host.getType() !== 'http') return this.door.catch(exception, host);
    const request = host.switchToHttp().getRequest<EdgeRequest>();
    // A request refused before the throttle guard ran (no route matched, a body the parser refused…):
    // it is counted here, before its problem is worked out and sent.
    if (this.throttle && !throttleGuardSaw(request)) {
      const response = host.switchToHttp().getResponse<ServerResponse>();
      // Should even the answer fail, the client must not wait forever.
      this.answerUnguarded(this.throttle, exception, host).catch(() => response.destroy());
      return undefined;
    }
    return this.answer(exception, host);
  }

  /** Answers a request the throttle guard never saw: its own problem, or 429 once its address is over its limit. */
  private async answerUnguarded(
    throttle: UnguardedRequestThrottle,
    exception: unknown,
    host: ArgumentsHost,
  ): Promise<void> {
    let seconds: number;
    try {
      seconds = await throttle.blockedFor(host.switchToHttp().getRequest<EdgeRequest>());
    } catch (storeFailure) {
      // As the guard fails then (Redis unreachable): the store's error is the answer.
      this.answer(storeFailure, host);
      return;
    }
    if (seconds === 0) {
      this.answer(exception, host);
      return;
    }
    setRetryAfter(host.switchToHttp().getResponse<ServerResponse>(), seconds);
    this.answer(new TooManyRequestsException(`Too many requests from this address; try again in ${seconds} s`), host);
  }

  private answer(exception: unknown, host: ArgumentsHost): undefined {
    const request = host.switchToHttp().getRequest<EdgeRequest>();
    const response = host.switchToHttp().getResponse<ServerResponse>();
    const call = edgeCallOf(request);
    const method = request.method ?? 'GET';
    const path = pathOf(request);
    const problem = problemOf(exception, {
      method,
      path,
      presentedCredentials: request.headers.authorization !== undefined,
      // Only a request no route matched needs the table (Nest raises NotFoundException for it).
      allowedMethods: exception instanceof NotFoundException ? this.routes.allowedMethods(path) : undefined,
    });
    if (problem.log) {
      const cause = exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
      const line = `${method} ${path} failed (correlation id ${call.correlationId}): ${cause}`;
      if (problem.log === 'error') this.logger.error(line, exception instanceof Error ? exception.stack : undefined);
      else this.logger.warn(line);
    }
    if (response.headersSent) {
      // Too late for a problem document: end the response so the client does not wait forever.
      response.destroy();
      return undefined;
    }
    const body: ProblemDocument = {
      type: problem.type.uri,
      title: problem.type.title,
      status: problem.type.status,
      detail: problem.detail,
      instance: path,
      code: problem.type.code,
      correlationId: call.correlationId,
      ...(problem.errors ? { errors: problem.errors } : {}),
    };
    exposeCall(response, call);
    for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
    response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    this.adapterHost.httpAdapter.reply(response, body, body.status);
    return undefined;
  }
}

/**
 * The request's path as Express routed it, without its query string (which may hold what the
 * client typed) — nor, for an absolute-form target, the scheme and host the client wrote.
 */
function pathOf(request: EdgeRequest): string {
  return requestPathOf(request.originalUrl ?? request.url ?? '/');
}
