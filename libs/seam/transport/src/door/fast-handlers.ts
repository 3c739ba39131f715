import type { INestApplication, Type } from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
  SCOPE_OPTIONS_METADATA,
} from '@nestjs/common/constants.js';
import { type ApplicationConfig, DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { MessageHandler } from '@nestjs/microservices';
import {
  PARAM_ARGS_METADATA,
  PATTERN_EXTRAS_METADATA,
  PATTERN_HANDLER_METADATA,
  PATTERN_METADATA,
} from '@nestjs/microservices/constants.js';
import type { DtoClass } from '../contracts/contract.types.js';
import { DoorValidationPipe } from './door-validation.pipe.js';
import { handlerFailure, SeamExceptionFilter } from './seam-exception.filter.js';
import { SEAM_EXTRAS_KEY } from './seam-extras.js';
import { validatePayload } from './validate-payload.js';

/** Nest's numbers for a message handler and for the payload and context parameters. */
const MESSAGE_HANDLER = 1;
const PAYLOAD_PARAM = 3;
const CONTEXT_PARAM = 6;

/** Marks a global guard, interceptor or pipe that lets every non-HTTP call through untouched. */
export const HTTP_ONLY_ENHANCER = Symbol.for('seam.http-only-enhancer');

/**
 * Declares that a global enhancer (e.g. a throttling guard bound with `APP_GUARD`) does nothing
 * for message handlers — its code must return at once for a context whose type is not `http`.
 * Seam can then answer contract calls without running Nest's per-call pipeline for it.
 */
export function HttpOnlyEnhancer(): ClassDecorator {
  return (target) => Reflect.defineMetadata(HTTP_ONLY_ENHANCER, true, target);
}

/**
 * Handlers of `@Handle` methods that Seam can invoke directly — the same steps Nest's RPC
 * pipeline would take for them, composed once here instead of per call: the door validation of
 * the payload parameter, the method, and Seam's exception filter. Nest's pipeline costs about
 * as much as the rest of an in-process call and allocates ~3 KB per call for guards, pipes and
 * interceptors a contract handler does not have; a handler that has any (its own, its class's,
 * or a global one not marked {@link HttpOnlyEnhancer}), a custom parameter decorator, a pipe on
 * a parameter, or a controller that is not a singleton keeps Nest's pipeline.
 *
 * @returns request handlers by pattern (empty when the app's configuration cannot be read)
 */
export function fastHandlers(app: INestApplication): Map<string, MessageHandler> {
  const handlers = new Map<string, MessageHandler>();
  const config = (app as unknown as { config?: ApplicationConfig }).config;
  if (!config || hasGlobalEnhancers(config)) return handlers;
  const discovery = app.get(DiscoveryService, { strict: false });
  const scanner = new MetadataScanner();
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    const metatype = wrapper.metatype as Type | undefined;
    if (!instance || !metatype || !wrapper.isDependencyTreeStatic() || wrapper.isTransient) continue;
    if (Reflect.getMetadata(SCOPE_OPTIONS_METADATA, metatype) || hasClassEnhancers(metatype)) continue;
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const method = instance[name] as ((...args: unknown[]) => unknown) | undefined;
      if (typeof method !== 'function') continue;
      const patterns = Reflect.getMetadata(PATTERN_METADATA, method) as unknown[] | undefined;
      if (Reflect.getMetadata(PATTERN_HANDLER_METADATA, method) !== MESSAGE_HANDLER || patterns?.length !== 1) continue;
      const extras = Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method) as Record<string, unknown> | undefined;
      if (!extras?.[SEAM_EXTRAS_KEY] || typeof patterns[0] !== 'string') continue;
      const handler = directHandler(instance, metatype, name, method);
      if (handler) handlers.set(patterns[0], handler);
    }
  }
  return handlers;
}

function directHandler(
  instance: object,
  metatype: Type,
  name: string,
  method: (...args: unknown[]) => unknown,
): MessageHandler | undefined {
  if (has(GUARDS_METADATA, method) || has(INTERCEPTORS_METADATA, method)) return undefined;
  const filters = (Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, method) ?? []) as unknown[];
  if (filters.length !== 1 || !(filters[0] instanceof SeamExceptionFilter)) return undefined;
  const pipes = (Reflect.getMetadata(PIPES_METADATA, method) ?? []) as unknown[];
  if (pipes.length > 1 || (pipes.length === 1 && !(pipes[0] instanceof DoorValidationPipe))) return undefined;
  const dto = (pipes[0] as DoorValidationPipe | undefined)?.dto;
  const params = Reflect.getMetadata(PARAM_ARGS_METADATA, metatype, name) as
    Record<string, { index: number; data?: unknown; pipes?: unknown[] }> | undefined;
  // Without parameter decorators Nest passes the payload alone, as its first argument.
  const order = argumentOrder(params ?? { [`${PAYLOAD_PARAM}:0`]: { index: 0 } });
  if (!order) return undefined;
  const invoke = invoker(instance, method, order);
  const handler = ((data: unknown, context: object) => {
    try {
      const payload = dto ? validatePayload(dto as DtoClass, data) : data;
      const result = invoke(payload, context);
      return result instanceof Promise
        ? result.catch((error: unknown) => Promise.reject(handlerFailure(error, context)))
        : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(handlerFailure(error, context));
    }
  }) as MessageHandler;
  return handler;
}

/**
 * Calls `method` with its arguments in `order`: the two shapes every contract handler has
 * (the payload alone; payload and context) directly, any other through an argument list built
 * per call. Positions no parameter decorator names get null, as Nest gives them.
 */
function invoker(
  instance: object,
  method: (...args: unknown[]) => unknown,
  order: ReadonlyArray<'payload' | 'context' | undefined>,
): (payload: unknown, context: object) => unknown {
  if (order.length <= 1 && order[0] !== 'context') {
    return order.length === 0 ? () => method.call(instance) : (payload) => method.call(instance, payload);
  }
  if (order.length === 2 && order[0] === 'payload' && order[1] === 'context') {
    return (payload, context) => method.call(instance, payload, context);
  }
  const positions = Array.from(order);
  return (payload, context) =>
    method.apply(
      instance,
      positions.map((kind) => (kind === 'payload' ? payload : kind === 'context' ? context : null)),
    );
}

/** What each argument position receives, or `undefined` for a parameter Seam does not compose. */
function argumentOrder(
  params: Record<string, { index: number; data?: unknown; pipes?: unknown[] }>,
): Array<'payload' | 'context' | undefined> | undefined {
  const order: Array<'payload' | 'context' | undefined> = [];
  for (const [key, param] of Object.entries(params)) {
    const [type, , extra] = key.split(':');
    if (extra !== undefined || param.data !== undefined || (param.pipes?.length ?? 0) > 0) return undefined;
    if (Number(type) === PAYLOAD_PARAM) order[param.index] = 'payload';
    else if (Number(type) === CONTEXT_PARAM) order[param.index] = 'context';
    else return undefined;
  }
  return order;
}

function hasGlobalEnhancers(config: ApplicationConfig): boolean {
  const applies = (enhancer: unknown) =>
    !Reflect.getMetadata(HTTP_ONLY_ENHANCER, (enhancer as { constructor: object }).constructor);
  const instances = [...config.getGlobalGuards(), ...config.getGlobalInterceptors(), ...config.getGlobalPipes()];
  const wrapped = [
    ...config.getGlobalRequestGuards(),
    ...config.getGlobalRequestInterceptors(),
    ...config.getGlobalRequestPipes(),
  ].map((wrapper) => wrapper.instance ?? wrapper.metatype?.prototype);
  return (
    config.getGlobalPreRequestHooks().length > 0 ||
    instances.some(applies) ||
    wrapped.some((enhancer) => enhancer === undefined || applies(enhancer))
  );
}

function hasClassEnhancers(metatype: Type): boolean {
  return [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, EXCEPTION_FILTERS_METADATA].some((key) =>
    has(key, metatype),
  );
}

function has(key: string, target: object): boolean {
  return ((Reflect.getMetadata(key, target) ?? []) as unknown[]).length > 0;
}
