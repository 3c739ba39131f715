import { Logger } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, type Observable } from 'rxjs';
import { attachCallContext } from '../../context/call-context.registry.js';
import { CallContext } from '../../context/call-context.js';
import { runInCallScope } from '../../context/call-scope.js';
import { seamTracer } from '../../context/seam-tracer.js';
import { assertCallerAllowed, assertPublisherAllowed } from '../../door/caller-permission.js';
import { seamExtrasOf } from '../../door/seam-extras.js';
import { AUTH_METADATA_KEY, REPLY_AUTH_METADATA_KEY, type VerifiedEnvelope } from '../../auth/envelope-auth.js';
import { type AuthenticatedLink, refuseUnlinked } from '../../auth/link-auth.js';
import { verifiedReceivers } from './verified-receivers.js';
import { toWireError } from '../../door/to-wire-error.js';
import { DeadlineExceededError, PermissionDeniedError } from '../../errors/seam-error.js';
import { deniedCalls } from './handled-calls.js';
import { unknownPatternError } from '../../errors/wire-errors.js';
import { type HandlerTable, moduleOfPattern } from './handler-table.js';
import { type DispatchOptions, isWire, type Reply, RequestExchange } from './request-exchange.js';

export type { DispatchOptions, Reply } from './request-exchange.js';

const logger = new Logger('SeamServer');

/** Refused events are logged at most once per interval: a forger must not flood the log. */
const REFUSED_EVENT_LOG_INTERVAL_MS = 10_000;
let lastRefusedEventLog = Number.NEGATIVE_INFINITY;

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
  link?: AuthenticatedLink,
): () => void {
  const exchange = prepareRequest(table, pattern, data, rpcContext, call, options, reply, link);
  exchange?.run();
  return () => exchange?.cancel();
}

/**
 * The exchange that will answer a request, not yet started — or `undefined` after replying at
 * once (unknown pattern, deadline already past on arrival, caller not allowed, payload refused).
 * `link`: the pairs the connection it came on has proven (TCP), which stand for an envelope
 * signature when the envelope carries none.
 */
export function prepareRequest(
  table: HandlerTable,
  pattern: string,
  data: unknown,
  rpcContext: object,
  call: CallContext,
  options: DispatchOptions,
  reply: Reply,
  link?: AuthenticatedLink,
): RequestExchange | undefined {
  const { auth } = options;
  if (auth && link && call.wireMetadata?.[AUTH_METADATA_KEY] === undefined) {
    // The connection proved who speaks on it: the reply goes back on it, unsigned.
    const caller = call.wireMetadata?.['seam-caller'];
    if (!link.admits(caller, moduleOfPattern(pattern))) {
      reply(toWireError(refuseUnlinked(pattern, caller)).wire);
      return undefined;
    }
  } else if (auth) {
    // Authentication comes first: an unauthenticated peer learns nothing, not even which
    // patterns exist. Everything answered after it is signed for the verified caller, if it asked.
    let verified: VerifiedEnvelope;
    try {
      verified = auth.verify({ pattern, data, metadata: call.wireMetadata ?? {} }, (module) =>
        isModuleOf(pattern, module),
      );
    } catch (error) {
      reply(toWireError(error).wire);
      return undefined;
    }
    if (call.wireMetadata?.[REPLY_AUTH_METADATA_KEY] === 'v1') {
      const unsigned = reply;
      reply = (err, response) => unsigned(err, response, auth.signReply(verified, err, response));
    }
  }
  const handler = table.request(pattern);
  if (!handler) {
    reply(unknownPatternError(pattern).toJSON());
    return undefined;
  }
  if (call.expired) {
    reply(new DeadlineExceededError(`Deadline passed before "${pattern}" started`, { pattern }).toJSON());
    return undefined;
  }
  try {
    // The door: who may call comes before anything looks at the payload.
    const extras = seamExtrasOf(handler);
    call.module = extras?.owner;
    assertCallerAllowed(pattern, extras?.owner ?? '', extras?.access, call.caller, data);
    options.checkRequest?.(data);
  } catch (error) {
    if (error instanceof PermissionDeniedError) deniedCalls.count(pattern);
    reply(toWireError(error).wire);
    return undefined;
  }
  return new RequestExchange(handler, pattern, data, rpcContext, call, options, reply);
}

/**
 * Delivers an event to every subscribing module in `intake`, each with its own copy of the
 * payload (`copy`), so that modules sharing a process never share an object. Failures are logged
 * with the correlation id (events have no reply); the promise settles when every handler is done
 * and never rejects. It resolves `false` when the event was refused as unauthenticated (no valid
 * signature, or a link that has not proven the pair), `true` otherwise. An event whose caller is
 * not the module that owns it is dropped unseen by any subscriber (and logged at most once per
 * 10 s): only orders may publish `orders.*`.
 */
export function dispatchEvent(
  table: HandlerTable,
  pattern: string,
  data: unknown,
  rpcContext: object,
  call: CallContext,
  intake: ReadonlySet<string>,
  options: Pick<DispatchOptions, 'propagation' | 'auth'>,
  copy: (payload: unknown) => unknown,
  link?: AuthenticatedLink,
): Promise<boolean> {
  let receivers = intake;
  if (options.auth && link && call.wireMetadata?.[AUTH_METADATA_KEY] === undefined) {
    // On a proven link, each subscriber gets the event only if the publisher proved its pair with it.
    const caller = call.wireMetadata?.['seam-caller'];
    receivers = new Set([...intake].filter((module) => link.admits(caller, module)));
    if (receivers.size === 0) {
      refuseUnlinked(pattern, caller);
      return Promise.resolve(false);
    }
  } else if (options.auth) {
    const verified = verifiedReceivers(
      options.auth,
      table,
      { pattern, data, metadata: call.wireMetadata ?? {} },
      intake,
    );
    if (!verified) return Promise.resolve(false);
    if (verified.size === 0) return Promise.resolve(true);
    receivers = verified;
  }
  try {
    assertPublisherAllowed(pattern, call.caller);
  } catch (error) {
    const now = performance.now();
    if (now - lastRefusedEventLog >= REFUSED_EVENT_LOG_INTERVAL_MS) {
      lastRefusedEventLog = now;
      // One line whatever the sender put in the pattern: it is the sender's text.
      const reason = (error as Error).message.replaceAll(/\s+/g, ' ');
      logger.warn(`Event dropped: ${reason} (only its own module publishes an event)`);
    }
    return Promise.resolve(true);
  }
  attachCallContext(rpcContext, call);
  const deliveries = table
    .subscriptions(pattern)
    .filter(({ subscriber }) => receivers.has(subscriber))
    .map(({ subscriber, handler }) => {
      const served = call.servedBy(subscriber);
      const span = seamTracer()?.deliver(pattern, served);
      let delivery = invoke(handler, copy(data), rpcContext, served, options.propagation).then((result) =>
        isObservable(result) ? drain(result as Observable<unknown>) : undefined,
      );
      if (span)
        delivery = delivery.then(
          () => span.settled('ok'),
          (error: unknown) => {
            span.settled(isWire(error) ? error.code : toWireError(error).wire.code);
            throw error;
          },
        );
      return delivery.catch((error: unknown) =>
        logger.error(
          `Event "${pattern}" failed in module "${subscriber}" (correlation id ${call.correlationId}): ${describe(error)}`,
        ),
      );
    });
  return Promise.all(deliveries).then(() => true);
}

/** Whether `pattern` (`<module>.<entry>`) is an entry of `module`. */
function isModuleOf(pattern: string, module: string): boolean {
  return pattern.length > module.length && pattern.startsWith(module) && pattern.charCodeAt(module.length) === 46; // '.'
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
    return Promise.resolve(
      propagation ? runInCallScope(call, () => handler(data, rpcContext)) : handler(data, rpcContext),
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

function describe(error: unknown): string {
  if (isWire(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
