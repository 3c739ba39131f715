import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExecutionContext, PreRequestHook } from '@nestjs/common';
import { PATTERN_EXTRAS_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import { Observable } from 'rxjs';

/**
 * The module whose handler is running, for log lines. The call context (`currentCallContext()`)
 * knows the caller but not the callee, and transports do not know modules; the Nest handler does.
 */
const storage = new AsyncLocalStorage<string>();

/** The module whose message or event handler is running here, if any. */
export function currentModule(): string | undefined {
  return storage.getStore();
}

/** Runs `fn` as code of `module` (log lines made inside say so). */
export function runAsModule<T>(module: string, fn: () => T): T {
  return storage.run(module, fn);
}

// The module of a handler never changes: read it once per handler method.
const modules = new WeakMap<object, string | null>();

/**
 * The module a Nest message handler belongs to: for a Seam request handler the module that
 * answers, for an event handler the module that subscribes (not the publisher, whose name the
 * pattern starts with), else the first segment of its pattern (`<module>.<entry>`).
 */
export function moduleOfHandler(handler: object): string | undefined {
  let module = modules.get(handler);
  if (module === undefined) {
    // Seam's handler decorators keep their extras under the key `seam` (SEAM_EXTRAS_KEY in @seam/transport).
    const extras = (Reflect.getMetadata(PATTERN_EXTRAS_METADATA, handler) as { seam?: SeamExtras } | undefined)?.seam;
    const patterns = Reflect.getMetadata(PATTERN_METADATA, handler) as unknown;
    const pattern = Array.isArray(patterns) ? (patterns[0] as unknown) : patterns;
    const fromPattern = typeof pattern === 'string' && pattern.includes('.') ? pattern.split('.')[0] : undefined;
    module = (extras?.kind === 'event' ? extras.subscriber : extras?.owner) ?? fromPattern ?? null;
    modules.set(handler, module);
  }
  return module ?? undefined;
}

interface SeamExtras {
  kind?: string;
  owner?: string;
  subscriber?: string;
}

/**
 * A Nest pre-request hook that runs every message and event handler as code of its module, so that
 * its log lines carry `module`. Register it on the app before the Seam servers start (with
 * `inheritAppConfig`, which `startSeamServers` sets, the microservices share it).
 */
export const moduleScopeHook: PreRequestHook = (context: ExecutionContext, next) => {
  const module = moduleOfHandler(context.getHandler());
  if (!module) return next();
  // Subscribing inside the scope is what runs guards, pipes and the handler in it.
  return new Observable((subscriber) => {
    const subscription = storage.run(module, () => next().subscribe(subscriber));
    return () => subscription.unsubscribe();
  });
};
