import { describe, expect, it } from '@jest/globals';
import { CallContext } from '@seam/transport';
import {
  confirm,
  flagCompensationPending,
  newOrder,
  type Order,
  recordPayment,
  recordStock,
  reject,
} from '../domain/order.js';
import type { OrderCalls } from '../order.calls.js';
import { resumePlacement } from './resume-placement.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const lines = [{ sku: 'A-1', name: 'A', quantity: 1, unitPrice: { amount: 1_000, currency: 'EUR' } }];
const pending = (): Order =>
  newOrder({ orderId: 'o-1', customerId: 'c-1' }, { lines, total: { amount: 1_000, currency: 'EUR' } }, t0);
const captured = (order: Order): Order => recordPayment(order, { paymentId: 'p-1', status: 'captured' }, t0);

/** Neighbours that answer every call as done, and remember each call's name. */
function recordingCalls(): { calls: OrderCalls; made: string[] } {
  const made: string[] = [];
  const answer = (name: string, value: unknown) => async () => {
    made.push(name);
    return value;
  };
  const calls = {
    commitStock: answer('commitStock', undefined),
    releaseStock: answer('releaseStock', undefined),
    refundPayment: answer('refundPayment', { paymentId: 'p-1', status: 'refunded' }),
    orderPayments: answer('orderPayments', []),
  } as unknown as OrderCalls;
  return { calls, made };
}

const options = () => ({ parent: CallContext.root({ caller: 'orders', budgetMs: 1_000 }), timeoutMs: 1_000 });

describe('resumePlacement', () => {
  // What a recovery finds when another one finished the order after this one read its saga.
  it.each([
    ['confirmed', () => confirm(recordStock(captured(pending()), 'committed', t0), t0)],
    ['rejected, owing nothing', () => reject(recordStock(pending(), 'released', t0), 'payment declined', t0)],
  ])('calls no neighbour for an order already %s, and only closes its saga', async (_case, make) => {
    const stored = make();
    const { calls, made } = recordingCalls();
    const resumed = await resumePlacement(calls, stored, options());
    expect(made).toEqual([]);
    expect(resumed.closeOnly).toBe(true);
    expect(resumed.event).toBeUndefined();
    expect(resumed.steps.map((step) => `${step.step}:${step.outcome}`)).toEqual(['recover:resumed']);
  });

  it('undoes a rejected order still owing its undo — refund and release — and clears its flag', async () => {
    const owing = flagCompensationPending(
      reject(recordStock(captured(pending()), 'reserved', t0), 'commit failed: UNAVAILABLE', t0),
      t0,
    );
    const { calls, made } = recordingCalls();
    const resumed = await resumePlacement(calls, owing, options());
    expect(made.toSorted()).toEqual(['refundPayment', 'releaseStock']);
    expect(resumed).toMatchObject({
      expected: 'rejected',
      order: {
        status: 'rejected',
        reason: 'commit failed: UNAVAILABLE',
        stock: 'released',
        payment: { status: 'refunded' },
        compensationPending: false,
      },
    });
    expect(resumed.event).toBeUndefined();
  });

  it('finishes forward a pending order captured and reserved: commit, then confirm', async () => {
    const { calls, made } = recordingCalls();
    const resumed = await resumePlacement(calls, recordStock(captured(pending()), 'reserved', t0), options());
    expect(made).toEqual(['commitStock']);
    expect(resumed).toMatchObject({
      expected: 'pending',
      event: 'orderConfirmed',
      order: { status: 'confirmed', stock: 'committed', payment: { status: 'captured' } },
    });
  });
});
