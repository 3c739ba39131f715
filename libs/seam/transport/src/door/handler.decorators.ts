import {
  applyDecorators,
  Controller,
  createParamDecorator,
  type ExecutionContext,
  UseFilters,
  UsePipes,
} from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { PATTERN_EXTRAS_METADATA } from '@nestjs/microservices/constants.js';
import type { Observable } from 'rxjs';
import { contractEntries, contractModule } from '../contracts/define-contract.js';
import type { EventEntry, RequestEntry } from '../contracts/contract.types.js';
import { callContextOf } from '../context/call-context.registry.js';
import type { CallContext } from '../context/call-context.js';
import { DoorValidationPipe } from './door-validation.pipe.js';
import { SeamExceptionFilter } from './seam-exception.filter.js';
import { SEAM_EXTRAS_KEY, type SeamHandlerExtras } from './seam-extras.js';

/** Options of {@link Handle}. */
export interface HandleOptions {
  /**
   * Validate the payload against the contract DTO at the door (default `true`). Turn it off only
   * for a trusted hot path you have measured; the payload still arrives as a private JSON copy.
   */
  validation?: boolean;
}

type Handler<In, Out> = (input: In, ...rest: any[]) => Out | Promise<Out> | Observable<Out>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Binds a controller method to a command or query of its module's contract: the method answers
 * `entry.pattern` in every transport, a caller the entry's `callers` do not name is refused at the
 * door (`PermissionDeniedError`), its payload is validated against `entry.request` at the door
 * (a `ValidationError` with field details otherwise), and anything it throws reaches the caller as
 * a Seam error (`SeamError` subclasses unchanged, anything else as a masked Internal error).
 * The method's return type is checked against `entry.response` at compile time.
 */
export function Handle<Req, Res>(entry: RequestEntry<Req, Res>, options: HandleOptions = {}) {
  const access = { callers: entry.callers, onBehalfOf: entry.onBehalfOf, systemCallers: entry.systemCallers };
  const extras: SeamHandlerExtras = { kind: 'request', owner: entry.module, access };
  const decorators = [
    MessagePattern(entry.pattern, { [SEAM_EXTRAS_KEY]: extras }),
    UseFilters(new SeamExceptionFilter()),
  ];
  if (options.validation !== false) decorators.push(UsePipes(new DoorValidationPipe(entry.request)));
  const decorate = applyDecorators(...decorators);
  return <M extends Handler<Req, Res>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>) =>
    decorate(target, key, descriptor);
}

/**
 * Subscribes a controller method to an integration event of any module. The subscribing module
 * is the one named by the controller's `@ContractController`. Each subscribing module receives
 * each event once (even with several replicas); the payload is validated at the door.
 */
export function Subscribe<P>(entry: EventEntry<P>) {
  const extras: SeamHandlerExtras = { kind: 'event', owner: entry.module, subscribers: entry.subscribers };
  const decorate = applyDecorators(
    EventPattern(entry.pattern, { [SEAM_EXTRAS_KEY]: extras }) as MethodDecorator,
    UseFilters(new SeamExceptionFilter()),
    UsePipes(new DoorValidationPipe(entry.payload)),
  );
  return <M extends Handler<P, unknown>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ) => decorate(target, key, descriptor);
}

/**
 * Marks a class as a message controller of the module that owns `contract` (it also applies
 * Nest's `@Controller()`). Its `@Subscribe` methods subscribe on behalf of that module, and
 * `@Handle` may only bind entries of that contract: answering another module's pattern is a
 * boundary violation and throws when the class is declared.
 */
export function ContractController(contract: object): ClassDecorator {
  const module = contractModule(contract);
  contractEntries(contract);
  return (target) => {
    Controller()(target);
    // Nest registers inherited handlers too, so inherited methods must pass the ownership check.
    for (
      let prototype = target.prototype as Record<string, unknown>;
      prototype !== Object.prototype;
      prototype = Object.getPrototypeOf(prototype)
    ) {
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const method = prototype[name];
        if (typeof method !== 'function') continue;
        const allExtras = Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method) as Record<string, unknown> | undefined;
        const extras = allExtras?.[SEAM_EXTRAS_KEY] as SeamHandlerExtras | undefined;
        if (!extras) continue;
        if (extras.kind === 'request' && extras.owner !== module) {
          throw new Error(
            `${target.name}.${name} handles a request of module "${extras.owner}", but ${target.name} belongs to "${module}": ` +
              'a module answers only its own contract',
          );
        }
        // An inherited method is shared with other subclasses: binding it to this module is not ours to do.
        if (prototype !== target.prototype) continue;
        const bound: SeamHandlerExtras = extras.kind === 'event' ? { ...extras, subscriber: module } : extras;
        Reflect.defineMetadata(PATTERN_EXTRAS_METADATA, { ...allExtras, [SEAM_EXTRAS_KEY]: bound }, method);
      }
    }
  };
}

/**
 * Injects the {@link CallContext} of the current call into a handler parameter: correlation id,
 * trace context, calling module and remaining deadline. Pass it as `{ parent }` to nested calls
 * when implicit propagation is off.
 */
export const CurrentCall = createParamDecorator((_data: unknown, context: ExecutionContext): CallContext =>
  callContextOf(context.switchToRpc().getContext<object>()),
);
