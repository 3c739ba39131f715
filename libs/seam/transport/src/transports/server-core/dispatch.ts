import { Logger } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, type Observable, type Subscription as RxSubscription } from 'rxjs';
import { attachCallContext } from '../../context/call-context.registry.js';
import { CallContext } from '../../context/call-context.js';
import { runInCallScope } from '../../context/call-scope.js';
import { toWireError } from '../../door/to-wire-error.js';
import { DeadlineExceededError, InternalError, type WireError } from '../../errors/seam-error.js';
import { unknownPatternError } from '../../errors/wire-errors.js';
import type { HandlerTable } from './handler-table.js';

/** How a server runs handlers: limits and context propagation. */
export interface DispatchOptions {
  /** Budget assumed when the caller sent none. */
  defaultBudgetMs: number;
  /** Enter an AsyncLocalStorage scope per call (implicit propagation to nested calls). */
  propagation: boolean;
  /**
   * Turns a handler's result into what is sent back: the in-process server copies it, remote
   * servers check its size. Throws a `SeamError` to send that instead.
   */
  prepareResponse(value: unknown): unknown;
}

/** Called exactly once with a wire error, or with `undefined` and the response. */
export type Reply = (error: WireError | undefined, response?: unknown) => void;

const logger = new Logger('SeamServer');

/**
 * Runs the handler answering `pattern` and replies exactly once: its last emitted value, or the
 * wire error of whatever failed (unknown pattern, deadline already past on arrival, handler
 * error). Returns a teardown that stops a still-running observable result.
 */
export function dispatchRequest(
  table: HandlerTable,
  pattern: string,
  data: unknown,
  rpcContext: object,
  call: CallContext,
  options: DispatchOptions,
  reply: Reply,
): () => void {
  const handler = table.request(pattern);
  if (!handler) {
    reply(unknownPatternError(pattern).toJSON());
    return noop;
  }
  if (call.expired) {
    reply(new DeadlineExceededError(`Deadline passed before "${pattern}" started`, { pattern }).toJSON());
    return noop;
  }
  attachCallContext(rpcContext, call);
  let subscription: RxSubscription | undefined;
  const succeed = (value: unknown) => {
    let response: unknown;
    try {
      response = options.prepareResponse(value);
    } catch (error) {
      logger.error(`Response of "${pattern}" cannot be sent (correlation id ${call.correlationId}): ${(error as Error).message}`);
      return reply(new InternalError('Internal error', { reason: 'response-not-sendable' }).toJSON());
    }
    reply(undefined, response);
  };
  const fail = (error: unknown) => reply(isWire(error) ? error : toWireError(error).wire);
  invoke(handler, data, rpcContext, call, options.propagation).then((result) => {
    if (!isObservable(result)) return succeed(result);
    let last: unknown;
    subscription = (result as Observable<unknown>).subscribe({
      next: (value) => (last = value),
      error: fail,
      complete: () => succeed(last),
    });
  }, fail);
  return () => subscription?.unsubscribe();
}

/**
 * Delivers an event to every subscribing module in `intake`, each with its own copy of the
 * payload (`copy`), so that modules sharing a process never share an object. Failures are logged
 * with the correlation id (events have no reply); the promise settles when every handler is done
 * and never rejects.
 */
export function dispatchEvent(
  table: HandlerTable,
  pattern: string,
  data: unknown,
  rpcContext: object,
  call: CallContext,
  intake: ReadonlySet<string>,
  options: Pick<DispatchOptions, 'propagation'>,
  copy: (payload: unknown) => unknown,
): Promise<void> {
  attachCallContext(rpcContext, call);
  const deliveries = table
    .subscriptions(pattern)
    .filter(({ subscriber }) => intake.has(subscriber))
    .map(({ subscriber, handler }) =>
      invoke(handler, copy(data), rpcContext, call, options.propagation)
        .then((result) => (isObservable(result) ? drain(result as Observable<unknown>) : undefined))
        .catch((error: unknown) =>
          logger.error(`Event "${pattern}" failed in module "${subscriber}" (correlation id ${call.correlationId}): ${describe(error)}`),
        ),
    );
  return Promise.all(deliveries).then(() => undefined);
}

function drain(result: Observable<unknown>): Promise<void> {
  return new Promise((resolve, reject) => result.subscribe({ error: reject, complete: () => resolve() }));
}

function invoke(
  handler: MessageHandler,
  data: unknown,
  rpcContext: object,
  call: CallContext,
  propagation: boolean,
): Promise<unknown> {
  try {
    return Promise.resolve(propagation ? runInCallScope(call, () => handler(data, rpcContext)) : handler(data, rpcContext));
  } catch (error) {
    return Promise.reject(error);
  }
}

function isWire(error: unknown): error is WireError {
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error && !(error instanceof Error);
}

function describe(error: unknown): string {
  if (isWire(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function noop(): void {}
