import { describe, expect, it } from '@jest/globals';
import { OrdersContract } from '@contracts/orders';
import { CallContext, type EventEntry, type SeamClient, UnavailableError } from '@seam/transport';
import { newOrder } from './domain/order.js';
import { OrderPublisher } from './order.publisher.js';

const order = newOrder(
  { orderId: '00000000-0000-4000-8000-000000000001', customerId: '00000000-0000-4000-8000-000000000002' },
  { lines: [], total: { amount: 100, currency: 'EUR' } },
  new Date('2026-01-01T00:00:00.000Z'),
);

describe('OrderPublisher', () => {
  describe('publish', () => {
    it('emits the named event with the order as it is', async () => {
      const emitted: Array<{ entry: EventEntry; payload: unknown }> = [];
      const seam = { emit: async (entry: EventEntry, payload: unknown) => void emitted.push({ entry, payload }) } as unknown as SeamClient;
      await new OrderPublisher(seam).publish('orderPlaced', order, CallContext.root({ budgetMs: 1_000 }));
      expect(emitted).toEqual([
        {
          entry: OrdersContract.orderPlaced,
          payload: { id: expect.any(String), occurredAt: order.updatedAt, orderId: order.orderId, customerId: order.customerId, status: 'pending', total: { amount: 100, currency: 'EUR' } },
        },
      ]);
    });

    it('does not fail when the event cannot be published: the order is already stored', async () => {
      const seam = { emit: () => Promise.reject(new UnavailableError('broker down')) } as unknown as SeamClient;
      await expect(new OrderPublisher(seam).publish('orderRejected', order, CallContext.root({ budgetMs: 1_000 }))).resolves.toBeUndefined();
    });
  });
});
