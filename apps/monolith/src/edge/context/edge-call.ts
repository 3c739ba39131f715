import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallContext } from '@seam/transport';

/**
 * The time one HTTP request has in all, shared by every contract call it makes. Placing an order
 * is one call that runs a saga of five (two of them wait for the payment provider, up to 2 s
 * each), so the budget is well above the 5 s default deadline of a single call.
 */
export const REQUEST_BUDGET_MS = 15_000;

/** The module name HTTP requests call contracts as. */
export const EDGE_CALLER = 'edge';

const calls = new WeakMap<IncomingMessage, CallContext>();

/**
 * The Seam call context of an HTTP request: started on first use from its `traceparent` header
 * (a new trace when absent or invalid), then the same object for the rest of the request — also
 * for errors raised before the call-scope middleware ran (malformed or oversized bodies).
 */
export function edgeCallOf(request: IncomingMessage): CallContext {
  let call = calls.get(request);
  if (!call) {
    call = CallContext.root({
      traceparent: request.headers.traceparent,
      caller: EDGE_CALLER,
      budgetMs: REQUEST_BUDGET_MS,
    });
    calls.set(request, call);
  }
  return call;
}

/** Tells the client which trace its request belongs to (`traceparent`, `x-correlation-id`), if not too late. */
export function exposeCall(response: ServerResponse, call: CallContext): void {
  if (response.headersSent) return;
  response.setHeader('traceparent', call.traceparent);
  response.setHeader('x-correlation-id', call.correlationId);
}
