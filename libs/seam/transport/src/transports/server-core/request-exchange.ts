import { Logger } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, type Observable, type Subscription } from 'rxjs';
import { attachCallContext } from '../../context/call-context.registry.js';
import type { CallContext } from '../../context/call-context.js';
import { runInCallScope } from '../../context/call-scope.js';
import { type SeamSpan, seamTracer } from '../../context/seam-tracer.js';
import { toWireError } from '../../door/to-wire-error.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { InternalError, type WireError } from '../../errors/seam-error.js';
import { handledCalls } from './handled-calls.js';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';

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
  /** Turns a wire error into what is sent back (the in-process server copies it). */
  prepareError?(error: WireError): WireError;
  /**
   * Checks a payload that arrived over a wire (remote servers: its size, so that a peer that is
   * not a Seam client cannot exceed the limit). Throws a `SeamError` to refuse it.
   */
  checkRequest?(data: unknown): void;
  /**
   * Authenticates envelopes that arrived over a wire (remote servers with mesh keys): a request
   * or event is refused before anything else looks at it unless its envelope verifies, and
   * replies are signed. Absent in process, and on a server explicitly run without keys.
   */
  auth?: EnvelopeAuth;
}

/**
 * Called exactly once with a wire error, or with `undefined` and the response; `auth` is the
 * reply's signature when the request's envelope was authenticated (remote servers put it in the
 * reply packet's `auth` field).
 */
export type Reply = (error: WireError | undefined, response?: unknown, auth?: string) => void;

const logger = new Logger('SeamServer');

/**
 * One request being answered: runs the handler (Nest's pipeline, or Seam's direct composition of
 * it) and replies exactly once with its last emitted value or the wire form of its error. A class rather than closures: this
 * is the hot path of every transport, and one object per call is cheaper than five closures.
 */
export class RequestExchange {
  private subscription?: Subscription;
  private last: unknown;
  private done = false;
  private span?: SeamSpan;

  constructor(
    private readonly handler: MessageHandler,
    private readonly pattern: string,
    private readonly data: unknown,
    private readonly rpcContext: object,
    private readonly call: CallContext,
    private readonly options: DispatchOptions,
    private readonly reply: Reply,
  ) {}

  /** Starts the handler. */
  run(): void {
    if (this.done) return;
    handledCalls.count(this.pattern);
    this.span = seamTracer()?.serverCall(this.pattern, this.call);
    attachCallContext(this.rpcContext, this.call);
    let result: Promise<unknown>;
    try {
      result = this.options.propagation
        ? runInCallScope(this.call, () => this.handler(this.data, this.rpcContext))
        : this.handler(this.data, this.rpcContext);
    } catch (error) {
      return this.fail(error);
    }
    result.then(this.settle, this.fail);
  }

  /** Stops waiting (the caller gave up); an observable result is unsubscribed. */
  cancel(): void {
    if (!this.done) this.span?.settled(ErrorCode.DeadlineExceeded);
    this.done = true;
    this.subscription?.unsubscribe();
  }

  private readonly settle = (result: unknown): void => {
    if (!isObservable(result)) return this.succeed(result);
    this.subscription = (result as Observable<unknown>).subscribe({
      next: (value) => (this.last = value),
      error: this.fail,
      complete: () => this.succeed(this.last),
    });
  };

  private succeed(value: unknown): void {
    if (this.done) return;
    this.done = true;
    let response: unknown;
    try {
      response = this.options.prepareResponse(value);
    } catch (error) {
      logger.error(
        `Response of "${this.pattern}" cannot be sent (correlation id ${this.call.correlationId}): ${(error as Error).message}`,
      );
      this.span?.settled(ErrorCode.Internal);
      return this.reply(new InternalError('Internal error', { reason: 'response-not-sendable' }).toJSON());
    }
    this.span?.settled('ok');
    this.reply(undefined, response);
  }

  private readonly fail = (error: unknown): void => {
    if (this.done) return;
    this.done = true;
    const wire = isWire(error) ? error : toWireError(error).wire;
    this.span?.settled(wire.code);
    this.reply(this.options.prepareError ? this.options.prepareError(wire) : wire);
  };
}

/** Whether `error` is already a wire error (what Seam's exception filter emits). */
export function isWire(error: unknown): error is WireError {
  return (
    typeof error === 'object' && error !== null && 'code' in error && 'message' in error && !(error instanceof Error)
  );
}
