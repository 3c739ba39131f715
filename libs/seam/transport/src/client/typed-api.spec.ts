import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { IsInt, IsString } from 'class-validator';
import { defineContract, event, request } from '../contracts/define-contract.js';
import { ContractController, Handle } from '../door/handler.decorators.js';
import type { SeamClient } from './seam-client.js';

// These checks run in `npm run typecheck` (tsc covers spec files): each `@ts-expect-error` fails the
// type-check if the line it marks stops being an error, so the typed API cannot silently loosen.

class PlaceOrder {
  @IsString() sku!: string;
  @IsInt() quantity!: number;
}
class OrderPlaced {
  @IsString() orderId!: string;
}
const Orders = defineContract('orders', {
  placeOrder: request({ pattern: 'orders.place-order', callers: ['edge'], request: PlaceOrder, response: OrderPlaced }),
  orderPlaced: event({ pattern: 'orders.order.placed', subscribers: [], payload: OrderPlaced }),
});

async function typedCalls(client: SeamClient): Promise<string> {
  const placed = await client.send(Orders.placeOrder, { sku: 'a', quantity: 1 });
  // @ts-expect-error the request must have the contract's request type
  await client.send(Orders.placeOrder, { sku: 'a' });
  // @ts-expect-error an event entry cannot be sent as a request
  await client.send(Orders.orderPlaced, { orderId: 'x' });
  // @ts-expect-error a request entry cannot be emitted as an event
  await client.emit(Orders.placeOrder, { sku: 'a', quantity: 1 });
  // @ts-expect-error the response has the contract's response type
  placed.total.toFixed();
  return placed.orderId;
}

@ContractController(Orders)
class OrdersController {
  @Handle(Orders.placeOrder)
  place(order: PlaceOrder): OrderPlaced {
    return { orderId: order.sku };
  }

  // @ts-expect-error a handler must return the contract's response type
  @Handle(Orders.placeOrder)
  wrong(): { id: number } {
    return { id: 1 };
  }
}

describe('typed API', () => {
  it('binds handlers and calls to contract entries (the checks above are compile-time)', () => {
    expect(typeof typedCalls).toBe('function');
    expect(Object.getOwnPropertyNames(OrdersController.prototype)).toEqual(['constructor', 'place', 'wrong']);
  });
});
