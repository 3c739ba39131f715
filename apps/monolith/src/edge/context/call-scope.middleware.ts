import type { ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { runInCallScope } from '@seam/transport';
import { edgeCallOf, exposeCall } from './edge-call.js';
import type { EdgeRequest } from './edge-request.js';

/**
 * Runs the rest of each HTTP request inside its Seam call context, so that every contract call it
 * makes — from guards, pipes or controllers — carries the request's correlation id and shares
 * its deadline without passing the context by hand. It runs after the body parser: stream
 * callbacks of the parser would not carry the AsyncLocalStorage scope across.
 */
@Injectable()
export class CallScopeMiddleware implements NestMiddleware<EdgeRequest, ServerResponse> {
  use(request: EdgeRequest, response: ServerResponse, next: (error?: unknown) => void): void {
    const call = edgeCallOf(request);
    exposeCall(response, call);
    runInCallScope(call, next);
  }
}
