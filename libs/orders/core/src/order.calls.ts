import { Injectable } from '@nestjs/common';
import { CatalogContract } from '@contracts/catalog';
import { InventoryContract } from '@contracts/inventory';
import { type AuthorizePayment, type Payment, PaymentsContract } from '@contracts/payments';
import { type CallOptions, NotFoundError, SeamClient } from '@seam/transport';
import type { Order } from './domain/order.js';
import type { LineRequest, PriceQuote } from './domain/order-lines.js';

/**
 * The payments idempotency key of one action on an order's payment. Derived from the order id,
 * so a retry of the same step (or a recovery after a crash) can never charge twice.
 */
export function paymentKey(orderId: string, action: 'authorize' | 'capture' | 'refund'): string {
  return `order-${orderId}-${action}`;
}

/**
 * What the orders module asks of the catalog, inventory and payments modules, through their
 * contracts only. Each method is one call: it fails with the callee's `SeamError`.
 */
@Injectable()
export class OrderCalls {
  constructor(private readonly seam: SeamClient) {}

  /** The catalog's quotes for these skus (unknown skus simply have none). */
  async prices(lines: readonly LineRequest[], options: CallOptions): Promise<PriceQuote[]> {
    const list = await this.seam.send(CatalogContract.getPrices, { skus: lines.map((line) => line.sku) }, options);
    return list.prices;
  }

  /** Holds every line of the order at the inventory, or none (idempotent per order). */
  async reserveStock(order: Order, options: CallOptions): Promise<void> {
    await this.seam.send(
      InventoryContract.reserveStock,
      { orderId: order.orderId, lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })) },
      options,
    );
  }

  /** Turns the order's reservation into a sale. */
  async commitStock(orderId: string, options: CallOptions): Promise<void> {
    await this.seam.send(InventoryContract.commitStock, { orderId }, options);
  }

  /**
   * Puts the order's stock back. An order inventory has no reservation for is released all the
   * same (answered `released` with no lines), so that a reserve still on its way is refused there.
   */
  async releaseStock(orderId: string, options: CallOptions): Promise<void> {
    try {
      await this.seam.send(InventoryContract.releaseStock, { orderId }, options);
    } catch (error) {
      // What an inventory deployed before that answers instead; it holds nothing for the order
      // either (though it would not refuse a late reserve), so mixed versions in a split topology
      // still compensate.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  /** The authorization request of an order: the same every time, so repeating it is safe. */
  authorization(order: Order, cardNumber: string): AuthorizePayment {
    return {
      idempotencyKey: paymentKey(order.orderId, 'authorize'),
      orderId: order.orderId,
      amount: { ...order.total },
      cardNumber,
    };
  }

  /** Holds the amount on the card; `declined` is an answer. */
  async authorizePayment(request: AuthorizePayment, options: CallOptions): Promise<Payment> {
    return this.seam.send(PaymentsContract.authorizePayment, request, options);
  }

  async capturePayment(orderId: string, paymentId: string, options: CallOptions): Promise<Payment> {
    return this.seam.send(
      PaymentsContract.capturePayment,
      { idempotencyKey: paymentKey(orderId, 'capture'), paymentId },
      options,
    );
  }

  /** The payments recorded for an order (to find one whose authorization answer was lost). */
  async orderPayments(orderId: string, options: CallOptions): Promise<Payment[]> {
    return (await this.seam.send(PaymentsContract.findOrderPayments, { orderId }, options)).payments;
  }

  /** Refunds a captured payment or voids an authorized one (one key per order: it happens once). */
  async refundPayment(orderId: string, paymentId: string, options: CallOptions): Promise<Payment> {
    return this.seam.send(
      PaymentsContract.refundPayment,
      { idempotencyKey: paymentKey(orderId, 'refund'), paymentId },
      options,
    );
  }
}
