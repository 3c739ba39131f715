import { describe, expect, it } from '@jest/globals';
import { CallContext, ConflictError, UnavailableError } from '@seam/transport';
import { cancel, confirm, newOrder, type Order, recordPayment, recordStock } from '../domain/order.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { OrderRepository } from '../infrastructure/order.repository.js';
import type { OrderCalls } from '../order.calls.js';
import { CancelOrderController } from './cancel-order.controller.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const ORDER_ID = '00000000-0000-4000-8000-000000000001';
const confirmedOrder = (): Order => {
  const pending = newOrder(
    { orderId: ORDER_ID, customerId: 'c-1' },
    { lines: [], total: { amount: 100, currency: 'EUR' } },
    t0,
  );
  return confirm(
    recordStock(recordPayment(pending, { paymentId: 'p-1', status: 'captured' }, t0), 'committed', t0),
    t0,
  );
};

/** A repository holding one order, whose conditional updates behave as the real one's. */
function oneOrderRepository(initial: Order, beforeUpdate: (stored: Order) => Order = (stored) => stored) {
  let stored = initial;
  const updates: OrderStatus[] = [];
  /** Events written with the updates that happened (the outbox commits with its update). */
  const events: string[] = [];
  const repository = {
    findById: async () => stored,
    beginCancellation: async (order: Order) => {
      if (stored.status !== 'confirmed') return false;
      stored = order;
      return true;
    },
    update: async (order: Order, expected: OrderStatus, event?: string) => {
      stored = beforeUpdate(stored);
      if (stored.status !== expected) return false;
      updates.push(order.status);
      if (event) events.push(event);
      stored = order;
      return true;
    },
  } as unknown as OrderRepository;
  return { repository, updates, events, stored: () => stored };
}

function recordingCalls(log: string[], failRefund: false | Error = false): OrderCalls {
  return {
    refundPayment: async () => {
      log.push('refund');
      if (failRefund) throw failRefund;
    },
    releaseStock: async () => void log.push('release'),
  } as unknown as OrderCalls;
}

const call = () => CallContext.root({ budgetMs: 5_000 });

describe('CancelOrderController', () => {
  describe('cancel', () => {
    it('refunds, then releases, then stores the cancellation with its event', async () => {
      const log: string[] = [];
      const store = oneOrderRepository(confirmedOrder());
      const view = await new CancelOrderController(store.repository, recordingCalls(log)).cancel(
        { orderId: ORDER_ID },
        call(),
      );
      expect(view.status).toBe('cancelled');
      expect(log).toEqual(['refund', 'release']);
      expect(store.stored()).toMatchObject({ status: 'cancelled', payment: { status: 'refunded' }, stock: 'released' });
      expect(store.events).toEqual(['orderCancelled']);
    });

    it('releases nothing and leaves the cancellation owed when the refund may have been done', async () => {
      const log: string[] = [];
      const store = oneOrderRepository(confirmedOrder());
      const controller = new CancelOrderController(
        store.repository,
        recordingCalls(log, new UnavailableError('provider down')),
      );
      await expect(controller.cancel({ orderId: ORDER_ID }, call())).rejects.toBeInstanceOf(UnavailableError);
      expect(log).toEqual(['refund']);
      expect(store.updates).toEqual([]);
      expect(store.stored()).toMatchObject({ status: 'confirmed', compensationPending: true });
    });

    it('gives the cancellation up, owing nothing, when the refund is refused outright', async () => {
      const log: string[] = [];
      const store = oneOrderRepository(confirmedOrder());
      const refused = new ConflictError('Payment p-1 is voided: it cannot be refunded');
      const controller = new CancelOrderController(store.repository, recordingCalls(log, refused));
      await expect(controller.cancel({ orderId: ORDER_ID }, call())).rejects.toBe(refused);
      expect(log).toEqual(['refund']);
      expect(store.stored()).toMatchObject({
        status: 'confirmed',
        payment: { status: 'captured' },
        compensationPending: false,
      });
      expect(store.events).toEqual([]);
    });

    it('answers a refund still in flight for a concurrent cancel in the order’s terms, retryable, and stores no cancellation', async () => {
      const store = oneOrderRepository(confirmedOrder());
      const busy = new ConflictError('a request with this key is in progress', {
        idempotencyKey: `order-${ORDER_ID}-refund`,
        retryable: true,
      });
      const controller = new CancelOrderController(store.repository, recordingCalls([], busy));
      const error = await controller.cancel({ orderId: ORDER_ID }, call()).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({
        message: `Order ${ORDER_ID} is being cancelled by another request: try again`,
        details: { orderId: ORDER_ID, retryable: true },
      });
      expect(store.updates).toEqual([]);
      // A conflict that is no key in flight (a payment that cannot be refunded) passes as it came.
      const final = new ConflictError('Payment p-1 is voided: it cannot be refunded');
      const other = new CancelOrderController(store.repository, recordingCalls([], final));
      await expect(other.cancel({ orderId: ORDER_ID }, call())).rejects.toBe(final);
    });

    it('answers the stored order without announcing it again when a concurrent cancel stored it first', async () => {
      // The other call cancels between this call's refund and its own final write.
      const concurrently = (stored: Order) =>
        stored.status === 'confirmed' && stored.compensationPending
          ? cancel(recordStock(recordPayment(stored, { paymentId: 'p-1', status: 'refunded' }, t0), 'released', t0), t0)
          : stored;
      const store = oneOrderRepository(confirmedOrder(), concurrently);
      const view = await new CancelOrderController(store.repository, recordingCalls([])).cancel(
        { orderId: ORDER_ID },
        call(),
      );
      expect(view.status).toBe('cancelled');
      expect(store.events).toEqual([]);
    });
  });
});
