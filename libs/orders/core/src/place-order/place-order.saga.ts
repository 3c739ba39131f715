import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { PlaceOrder } from '@contracts/orders';
import { MAX_PAYMENT_AMOUNT } from '@contracts/payments';
import type { CallContext } from '@seam/transport';
import {
  confirm,
  flagCompensationPending,
  newOrder,
  type Order,
  type OrderIdentity,
  recordPayment,
  recordStock,
  refusedOrder,
  reject,
} from '../domain/order.js';
import type { OrderStatus } from '../domain/order-status.js';
import { type LineRequest, mergeLines, type Pricing, priceLines } from '../domain/order-lines.js';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { OrderCalls } from '../order.calls.js';
import type { SagaStepRecord } from '../infrastructure/saga.store.js';
import type { OrderEventName } from '../order-events.js';
import { compensate, type Undo } from './compensation.js';
import { assertSameRequest, requestFingerprintOf } from './request-fingerprint.js';
import { sagaLeaseMs, StepBudget } from './step-budget.js';
import { runStep, type SagaStep, StepFailed } from './step-failure.js';

/**
 * Places an order, orchestrating the other modules synchronously: price (catalog), store it
 * `pending`, reserve stock (inventory), authorize then capture the payment (payments), commit the
 * stock, confirm. When a step fails, the order is rejected with the reason and what was done is
 * undone; the rejection is stored first, owing the undo (`compensationPending`) until it is done.
 * Each step's outcome is stored on the order before the next starts, so the row always says how
 * far it got (the stock's commit is stored with the confirmation: nothing starts between them).
 *
 * If storing itself fails half-way, the error reaches the caller and the order stays as last
 * stored: `pending` with its progress, or rejected and still owing its undo. Its saga stays open,
 * as it does for an order whose undo failed: once this call's lease runs out, `SagaRecovery`
 * finishes or undoes the placement and retries the undo steps still owed.
 */
@Injectable()
export class PlaceOrderSaga {
  constructor(
    private readonly orders: OrderRepository,
    private readonly calls: OrderCalls,
  ) {}

  /**
   * The order placed, `confirmed` or `rejected` — or, when the customer already used
   * `idempotencyKey` for the same request, the order placed first with it (still `pending` if
   * that call is running).
   *
   * @throws ConflictError with `details.reason` `idempotency-key-reused` when the key was used
   * for a different request (other products or quantities, or another card; the same lines in
   * another order are the same request) — see `requestFingerprintOf`.
   */
  async place(request: PlaceOrder, call: CallContext): Promise<Order> {
    const fingerprint = request.idempotencyKey ? requestFingerprintOf(request) : undefined;
    const first = await this.firstPlaced(request, fingerprint);
    if (first) return first;
    const identity: OrderIdentity = {
      orderId: randomUUID(),
      customerId: request.customerId,
      ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey, requestFingerprint: fingerprint } : {}),
    };
    const budget = new StepBudget(call);
    const pricing = await this.price(mergeLines(request.lines), budget);
    const order = pricing.ok
      ? newOrder(identity, pricing, new Date())
      : refusedOrder(identity, pricing.reason, new Date());
    // The unique (customer, key) index decides between concurrent calls: the loser answers the winner's order.
    if (!(await this.orders.insert(order, pricing.ok ? 'orderPlaced' : 'orderRejected', sagaLeaseMs(call))))
      return (await this.firstPlaced(request, fingerprint))!;
    if (!pricing.ok) return order;
    return this.settle(order, request.cardNumber, budget);
  }

  private async firstPlaced(request: PlaceOrder, fingerprint: string | undefined): Promise<Order | undefined> {
    if (!request.idempotencyKey || fingerprint === undefined) return undefined;
    const first = await this.orders.findByKey(request.customerId, request.idempotencyKey);
    if (first) assertSameRequest(request.idempotencyKey, first.requestFingerprint, fingerprint, request);
    return first;
  }

  private async price(lines: LineRequest[], budget: StepBudget): Promise<Pricing> {
    try {
      const quotes = await runStep('price', () => this.calls.prices(lines, budget.forStep('price')));
      return priceLines(lines, quotes, MAX_PAYMENT_AMOUNT);
    } catch (error) {
      if (error instanceof StepFailed) return { ok: false, reason: error.reason };
      throw error;
    }
  }

  /** Runs the steps after pricing, and answers the order confirmed or rejected. */
  private async settle(placed: Order, cardNumber: string, budget: StepBudget): Promise<Order> {
    let order = placed;
    // Marked before each call: a call that fails uncertainly may still have done its work.
    const undo: Undo = { stock: true };
    try {
      await runStep('reserve', () => this.calls.reserveStock(order, budget.forStep('reserve')));
      order = await this.progress(recordStock(order, 'reserved', new Date()), undefined, [
        { step: 'reserve-stock', outcome: 'done' },
      ]);

      const authorization = this.calls.authorization(order, cardNumber);
      undo.payment = { unknown: authorization };
      const payment = await runStep('authorize', () =>
        this.calls.authorizePayment(authorization, budget.forStep('authorize')),
      );
      const authorized =
        payment.status === 'declined'
          ? ({ step: 'authorize-payment', outcome: 'failed', detail: 'declined' } as const)
          : ({ step: 'authorize-payment', outcome: 'done' } as const);
      order = await this.progress(
        recordPayment(order, { paymentId: payment.paymentId, status: payment.status }, new Date()),
        undefined,
        [authorized],
      );
      if (payment.status === 'declined') {
        undo.payment = undefined;
        return await this.abandon(order, `payment declined: ${payment.reason ?? 'no reason given'}`, undo, budget);
      }
      undo.payment = { paymentId: payment.paymentId };

      await runStep('capture', () =>
        this.calls.capturePayment(order.orderId, payment.paymentId, budget.forStep('capture')),
      );
      order = await this.progress(
        recordPayment(order, { paymentId: payment.paymentId, status: 'captured' }, new Date()),
        undefined,
        [{ step: 'capture-payment', outcome: 'done' }],
      );

      await runStep('commit', () => this.calls.commitStock(order.orderId, budget.forStep('commit')));
      // The commit's outcome and the confirmation in one write: no call comes between them, and an
      // order stored captured and reserved is confirmed the same way by the recovery (resumePlacement).
      const now = new Date();
      return await this.progress(confirm(recordStock(order, 'committed', now), now), 'orderConfirmed', [
        { step: 'commit-stock', outcome: 'done' },
        { step: 'confirm', outcome: 'done' },
      ]);
    } catch (error) {
      if (!(error instanceof StepFailed)) throw error;
      if (!error.uncertain) forget(undo, error.step);
      return this.abandon(order, error.reason, undo, budget, [
        { step: error.step, outcome: 'failed', detail: error.reason },
      ]);
    }
  }

  /**
   * Rejects the order with `reason`, then undoes what was done. The rejection is stored before
   * any undo call, flagged `compensationPending` until the undo is done: a process that dies
   * half-way through the undo leaves an order the recovery can only undo further — never one
   * still `pending`, captured and reserved, that it would confirm although its payment was refunded.
   */
  private async abandon(
    order: Order,
    reason: string,
    undo: Undo,
    budget: StepBudget,
    steps: SagaStepRecord[] = [],
  ): Promise<Order> {
    const rejected = reject(order, reason, new Date());
    if (!undo.stock && !undo.payment) return this.progress(rejected, 'orderRejected', steps);
    await this.progress(flagCompensationPending(rejected, new Date()), 'orderRejected', steps);
    const undone = await compensate(this.calls, rejected, undo, budget.forCompensation());
    return this.progress(undone, undefined, compensationSteps(rejected, undone), 'rejected');
  }

  /**
   * Stores the order as it now is, with its event when it reached a final state; only this
   * placement moves its order while it is `expected` (pending, or rejected while it undoes), so
   * anything else is a bug.
   */
  private async progress(
    order: Order,
    event?: OrderEventName,
    steps: SagaStepRecord[] = [],
    expected: OrderStatus = 'pending',
  ): Promise<Order> {
    if (!(await this.orders.update(order, expected, event, steps)))
      throw new Error(`Order ${order.orderId} was moved by someone else while being placed`);
    return order;
  }
}

/** The log lines of a compensation: what `after` undid compared with `before`, and whether some undo failed. */
export function compensationSteps(before: Order, after: Order): SagaStepRecord[] {
  const steps: SagaStepRecord[] = [];
  if (after.stock === 'released' && before.stock !== 'released')
    steps.push({ step: 'release-stock', outcome: 'undone' });
  if (after.payment?.status === 'refunded' && before.payment?.status !== 'refunded')
    steps.push({ step: 'refund-payment', outcome: 'undone' });
  if (after.compensationPending)
    steps.push({ step: 'compensate', outcome: 'undo-failed', detail: 'retried by the saga recovery' });
  return steps;
}

/** A step refused outright did nothing: there is nothing of its own to undo. */
function forget(undo: Undo, step: SagaStep): void {
  if (step === 'reserve') undo.stock = false;
  if (step === 'authorize') undo.payment = undefined;
}
