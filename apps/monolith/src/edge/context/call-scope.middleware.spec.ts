import { describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { type CallContext, currentCallContext } from '@seam/transport';
import { CallScopeMiddleware } from './call-scope.middleware.js';
import { EDGE_CALLER, edgeCallOf, REQUEST_BUDGET_MS } from './edge-call.js';
import type { EdgeRequest } from './edge-request.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function run(headers: Record<string, string>): {
  inside?: CallContext;
  request: EdgeRequest;
  responseHeaders: Record<string, string>;
} {
  const request = { headers } as EdgeRequest;
  const responseHeaders: Record<string, string> = {};
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (responseHeaders[name] = value),
  } as unknown as ServerResponse;
  let inside: CallContext | undefined;
  new CallScopeMiddleware().use(request, response, () => (inside = currentCallContext()));
  return { inside, request, responseHeaders };
}

describe('CallScopeMiddleware', () => {
  describe('use', () => {
    it('runs the rest of the request in a root call context continuing the incoming trace', () => {
      const { inside, request, responseHeaders } = run({ traceparent: TRACEPARENT });
      expect(inside).toBe(edgeCallOf(request));
      expect(inside).toMatchObject({ correlationId: '4bf92f3577b34da6a3ce929d0e0e4736', caller: EDGE_CALLER });
      expect(inside!.remainingMs()).toBeGreaterThan(REQUEST_BUDGET_MS - 1_000);
      expect(responseHeaders).toEqual({
        traceparent: inside!.traceparent,
        'x-correlation-id': '4bf92f3577b34da6a3ce929d0e0e4736',
      });
    });

    it('starts a new trace when the traceparent is missing or invalid', () => {
      const first = run({ traceparent: 'not-a-traceparent' }).inside!;
      const second = run({}).inside!;
      expect(first.correlationId).toMatch(/^[0-9a-f]{32}$/);
      expect(second.correlationId).not.toBe(first.correlationId);
    });
  });
});
