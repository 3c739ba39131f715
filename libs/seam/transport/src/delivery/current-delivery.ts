import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { EventDelivery } from './delivery.entries.js';

/** What a subscriber learns about the event it is handling when a relay delivered it. */
export type DeliveryInfo = Omit<EventDelivery, 'payload'>;

const DELIVERY = Symbol('seam.delivery');

type WithDelivery = { [DELIVERY]?: DeliveryInfo };

/** Records, on the RPC context of a handler call, the delivery that caused it. */
export function attachDelivery(rpcContext: object, delivery: DeliveryInfo): void {
  (rpcContext as WithDelivery)[DELIVERY] = delivery;
}

/** The delivery recorded on an RPC context, if the event came through a relay. */
export function deliveryOf(rpcContext: object | undefined): DeliveryInfo | undefined {
  return rpcContext ? (rpcContext as WithDelivery)[DELIVERY] : undefined;
}

/**
 * Injects the {@link DeliveryInfo} of the event an `@Subscribe` handler is handling — its
 * `eventId` is what an idempotent consumer records in its inbox. `undefined` when the event was
 * published with `SeamClient.emit` (at most once, no id to deduplicate on).
 */
export const CurrentDelivery = createParamDecorator((_: unknown, context: ExecutionContext) =>
  deliveryOf(context.switchToRpc().getContext<object>()),
);
