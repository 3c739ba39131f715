import { describe, expect, it } from '@jest/globals';
import { CallContext, UnavailableError } from '@seam/transport';
import { cancel, confirm, newOrder, type Order, recordPayment, recordStock } from '../domain/order.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { OrderRepository } from '../infrastructure/order.repository.js';
import type { OrderCalls } from '../order.calls.js';
import type { OrderPublisher } from '../order.publisher.js';
import { CancelOrderController } from './cancel-order.controller.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const ORDER_ID = '00000000-0000-4000-8000-000000000001';
const confirmedOrder = (): Order => {
  const pending = newOrder({ orderId: ORDER_ID, customerId: 'c-1' }, { lines: [], total: { amount: 100, currency: 'EUR' } }, t0);
  return confirm(recordStock(recordPayment(pending, { paymentId: 'p-1', status: 'captured' }, t0), 'committed', t0), t0);
};

/** A repository holding one order, whose conditional updates behave as the real one's. */
function oneOrderRepository(initial: Order, beforeUpdate: (stored: Order) => Order = (stored) => stored) {
  let stored = initial;
  const updates: OrderStatus[] = [];
  const repository = {
    findById: async () => stored,
    update: async (order: Order, expected: OrderStatus) => {
      stored = beforeUpdate(stored);
      if (stored.status !== expected) return false;
      updates.push(order.status);
      stored = order;
      return true;
    },
  } as unknown as OrderRepository;
  return { repository, updates, stored: () => stored };
}

function recordingCalls(log: string[], failRefund = false): OrderCalls {
  return {
    refundPayment: async () => {
      log.push('refund');
      if (failRefund) throw new UnavailableError('provider down');
    },
    releaseStock: async () => void log.push('release'),
  } as unknown as OrderCalls;
}

function recordingPublisher(published: string[]): OrderPublisher {
  return { publish: async (name: string) => void published.push(name) } as unknown as OrderPublisher;
}

const call = () => CallContext.root({ budgetMs: 5_000 });

describe('CancelOrderController', () => {
  describe('cancel', () => {
    it('refunds, then releases, then stores and publishes the cancellation', async () => {
      const log: string[] = [];
      const published: string[] = [];
      const store = oneOrderRepository(confirmedOrder());
      const view = await new CancelOrderController(store.repository, recordingCalls(log), recordingPublisher(published)).cancel({ orderId: ORDER_ID }, call());
      expect(view.status).toBe('cancelled');
      expect(log).toEqual(['refund', 'release']);
      expect(store.stored()).toMatchObject({ status: 'cancelled', payment: { status: 'refunded' }, stock: 'released' });
      expect(published).toEqual(['orderCancelled']);
    });

    it('changes nothing and releases nothing when the refund fails', async () => {
      const log: string[] = [];
      const store = oneOrderRepository(confirmedOrder());
      const controller = new CancelOrderController(store.repository, recordingCalls(log, true), recordingPublisher([]));
      await expect(controller.cancel({ orderId: ORDER_ID }, call())).rejects.toBeInstanceOf(UnavailableError);
      expect(log).toEqual(['refund']);
      expect(store.updates).toEqual([]);
    });

    it('answers the stored order without publishing when a concurrent cancel stored it first', async () => {
      const published: string[] = [];
      // The other call cancels between this call's refund and its own final write.
      const concurrently = (stored: Order) =>
        stored.status === 'confirmed' && stored.payment?.status === 'refunded' ? cancel(recordStock(stored, 'released', t0), t0) : stored;
      const store = oneOrderRepository(confirmedOrder(), concurrently);
      const view = await new CancelOrderController(store.repository, recordingCalls([]), recordingPublisher(published)).cancel({ orderId: ORDER_ID }, call());
      expect(view.status).toBe('cancelled');
      expect(published).toEqual([]);
    });
  });
});
