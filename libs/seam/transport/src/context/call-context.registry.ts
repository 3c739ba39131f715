import { DEFAULT_DEADLINE_MS } from '../wire/limits.js';
import { CallContext } from './call-context.js';

/** Budget assumed for a call whose sender gave none (a stock Nest client): the default deadline. */
export const DEFAULT_BUDGET_MS = DEFAULT_DEADLINE_MS;

// A symbol-keyed property on the RPC context object, not a WeakMap: the context object lives
// exactly as long as the call, and short-lived WeakMap keys are costly for the garbage collector.
const CALL = Symbol('seam.call-context');

type WithCall = { [CALL]?: CallContext; getMetadata?: () => unknown };

/** Records the call context built when `rpcContext`'s packet arrived (done by Seam servers). */
export function attachCallContext(rpcContext: object, context: CallContext): void {
  (rpcContext as WithCall)[CALL] = context;
}

/**
 * The call context of a Nest RPC context (TCP, Redis, in-process, …). Seam servers attach it on
 * arrival; for any other server it is built on first access from the packet metadata.
 */
export function callContextOf(rpcContext: object): CallContext {
  const holder = rpcContext as WithCall;
  let context = holder[CALL];
  if (!context) {
    const metadata = typeof holder.getMetadata === 'function' ? holder.getMetadata() : undefined;
    context = CallContext.fromMetadata(metadata, DEFAULT_BUDGET_MS);
    holder[CALL] = context;
  }
  return context;
}
