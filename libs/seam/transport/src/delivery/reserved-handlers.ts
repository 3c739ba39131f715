import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import { type FieldViolation, ValidationError } from '../errors/seam-error.js';
import { attachDelivery } from './current-delivery.js';
import type { DeliveryReceipt, EventDelivery, SubscriptionList } from './delivery.entries.js';

/** The subscriptions of one module: its handler per event pattern. */
export type ModuleSubscriptions = (pattern: string) => MessageHandler | undefined;

/**
 * The handler of `<module>.$deliver`: runs the module's own subscription to the delivered event
 * and answers only once it has finished, so that its answer is the acknowledgement (an error
 * answers the relay's attempt with that error, and the relay tries again later).
 */
export function deliveryHandler(module: string, handlerFor: ModuleSubscriptions): MessageHandler {
  const handler = async (data: unknown, rpcContext: object): Promise<DeliveryReceipt> => {
    const delivery = readDelivery(data, module);
    const subscribed = handlerFor(delivery.pattern);
    if (!subscribed) return { handled: false };
    const { payload, ...info } = delivery;
    attachDelivery(rpcContext, info);
    const result: unknown = await subscribed(payload, rpcContext);
    // Nest answers with an observable; its error is the handler's (already in wire form).
    if (isObservable(result)) await lastValueFrom(result as Observable<unknown>, { defaultValue: undefined });
    return { handled: true };
  };
  return handler as unknown as MessageHandler;
}

/** The handler of `<module>.$subscriptions`. */
export function subscriptionsHandler(patterns: () => string[]): MessageHandler {
  return (async (): Promise<SubscriptionList> => ({ patterns: patterns() })) as unknown as MessageHandler;
}

function readDelivery(data: unknown, module: string): EventDelivery {
  const value = data as Partial<EventDelivery> | null;
  if (typeof value !== 'object' || value === null)
    throw new ValidationError(`A delivery to ${module} must be an object`);
  const problems: FieldViolation[] = [];
  for (const field of ['eventId', 'pattern', 'aggregateId'] as const) {
    if (typeof value[field] !== 'string' || value[field].length === 0)
      problems.push({ path: field, messages: ['must be a non-empty string'] });
  }
  if (!Number.isInteger(value.attempt) || (value.attempt as number) < 1)
    problems.push({ path: 'attempt', messages: ['must be an integer from 1'] });
  if (typeof value.payload !== 'object' || value.payload === null)
    problems.push({ path: 'payload', messages: ['must be an object'] });
  if (problems.length > 0) throw new ValidationError(`Malformed delivery to ${module}`, problems);
  return value as EventDelivery;
}
