import { DEFAULT_DEADLINE_MS } from '../wire/limits.js';
import { CallContext } from './call-context.js';

/** Budget assumed for a call whose sender gave none (a stock Nest client): the default deadline. */
export const DEFAULT_BUDGET_MS = DEFAULT_DEADLINE_MS;

const contexts = new WeakMap<object, CallContext>();

/** Records the call context built when `rpcContext`'s packet arrived (done by Seam servers). */
export function attachCallContext(rpcContext: object, context: CallContext): void {
  contexts.set(rpcContext, context);
}

/**
 * The call context of a Nest RPC context (TCP, Redis, in-process, …). Seam servers attach it on
 * arrival; for any other server it is built on first access from the packet metadata.
 */
export function callContextOf(rpcContext: object): CallContext {
  let context = contexts.get(rpcContext);
  if (!context) {
    const getMetadata = (rpcContext as { getMetadata?: () => unknown }).getMetadata;
    const metadata = typeof getMetadata === 'function' ? getMetadata.call(rpcContext) : undefined;
    context = CallContext.fromMetadata(metadata, DEFAULT_BUDGET_MS);
    contexts.set(rpcContext, context);
  }
  return context;
}
