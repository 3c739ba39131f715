import { randomUUID } from 'node:crypto';
import { CatalogContract, type PriceQuote } from '@contracts/catalog';
import { InventoryContract, type Reservation } from '@contracts/inventory';
import { type AuthorizePayment, type Payment, PaymentsContract } from '@contracts/payments';
import { type ContractFake, fakeOf } from '@seam/testing';
import { ConflictError, NotFoundError } from '@seam/transport';

/** A card the fake payments authorizes. */
export const CARD = '4111111111111111';
/** A card the fake payments declines (`card_declined`). */
export const DECLINED_CARD = '4000000000000002';

/** The fake catalog's products. `RARE-1` has one unit in stock; `OLD-1` is not for sale; `CAP-US` is in dollars. */
export const PRODUCTS: readonly PriceQuote[] = [
  { sku: 'MUG-1', name: 'Mug', unitPrice: { amount: 1_299, currency: 'EUR' }, active: true },
  { sku: 'TEE-1', name: 'Tee', unitPrice: { amount: 2_500, currency: 'EUR' }, active: true },
  { sku: 'RARE-1', name: 'Rare', unitPrice: { amount: 9_900, currency: 'EUR' }, active: true },
  { sku: 'OLD-1', name: 'Old', unitPrice: { amount: 100, currency: 'EUR' }, active: false },
  { sku: 'CAP-US', name: 'Cap', unitPrice: { amount: 1_500, currency: 'USD' }, active: true },
];

/**
 * Fakes of the catalog, inventory and payments contracts for the orders module's tests, behaving
 * as their contracts say, and a journal of every call they answered, across modules, in order.
 * Only for specs: nothing in the module imports it.
 */
export class FakeNeighbours {
  readonly journal: Array<{ name: string; request: unknown }> = [];
  readonly catalog = fakeOf(CatalogContract);
  readonly inventory = fakeOf(InventoryContract);
  readonly payments = fakeOf(PaymentsContract);
  /** Payments by authorization key: a repeated key answers the first payment, as payments does. */
  private readonly issued = new Map<string, Payment>();

  get all(): ContractFake[] {
    return [this.catalog, this.inventory, this.payments];
  }

  /** Back to well-behaved neighbours and an empty journal; a test then makes one step fail. */
  reset(): void {
    this.journal.length = 0;
    this.catalog.respond('getPrices', ({ skus }) => {
      this.note('getPrices', { skus });
      return {
        prices: PRODUCTS.filter((product) => skus.includes(product.sku)),
        unknownSkus: skus.filter((sku) => !PRODUCTS.some((product) => product.sku === sku)),
      };
    });
    this.inventory.respond('reserveStock', (request) => {
      this.note('reserveStock', request);
      const rare = request.lines.find((line) => line.sku === 'RARE-1' && line.quantity > 1);
      if (rare) throw new ConflictError('Not enough stock', { sku: 'RARE-1', requested: rare.quantity, available: 1 });
      return reservation(request.orderId, 'reserved');
    });
    this.inventory.respond(
      'commitStock',
      (request) => (this.note('commitStock', request), reservation(request.orderId, 'committed')),
    );
    this.inventory.respond(
      'releaseStock',
      (request) => (this.note('releaseStock', request), reservation(request.orderId, 'released')),
    );
    this.payments.respond('authorizePayment', this.authorize);
    this.payments.respond(
      'capturePayment',
      (request) => (this.note('capturePayment', request), this.paymentAfter(request.paymentId, 'captured')),
    );
    this.payments.respond(
      'findOrderPayments',
      (request) => (
        this.note('findOrderPayments', request),
        { payments: [...this.issued.values()].filter((payment) => payment.orderId === request.orderId) }
      ),
    );
    this.payments.respond(
      'refundPayment',
      (request) => (this.note('refundPayment', request), this.paymentAfter(request.paymentId, 'refunded')),
    );
  }

  /** Authorizes like payments does: the same key again answers the first payment. */
  readonly authorize = (request: AuthorizePayment): Payment => {
    this.note('authorizePayment', request);
    const first = this.issued.get(request.idempotencyKey);
    if (first) return first;
    const declined = request.cardNumber === DECLINED_CARD;
    const payment: Payment = {
      paymentId: randomUUID(),
      orderId: request.orderId,
      amount: request.amount,
      status: declined ? 'declined' : 'authorized',
      ...(declined ? { reason: 'card_declined' } : {}),
      cardLast4: request.cardNumber.slice(-4),
      updatedAt: new Date().toISOString(),
    };
    this.issued.set(request.idempotencyKey, payment);
    return payment;
  };

  /** The authorization request the orders module sends for `order` (its key is per order). */
  authorizationFor(order: { orderId: string; total: { amount: number; currency: string } }): AuthorizePayment {
    return {
      idempotencyKey: `order-${order.orderId}-authorize`,
      orderId: order.orderId,
      amount: { ...order.total },
      cardNumber: CARD,
    };
  }

  /** Adds a call to the journal (for behaviours a test puts in place). */
  note(name: string, request: unknown): void {
    this.journal.push({ name, request });
  }

  /** The requests of one kind in the journal. */
  callsNamed(name: string): unknown[] {
    return this.journal.filter((call) => call.name === name).map((call) => call.request);
  }

  /** The payment authorized for an order. */
  paymentOf(orderId: string): Payment {
    const payment = this.issued.get(`order-${orderId}-authorize`);
    if (!payment) throw new Error(`No payment was authorized for order ${orderId}`);
    return payment;
  }

  private paymentAfter(paymentId: string, status: Payment['status']): Payment {
    const found = [...this.issued.values()].find((candidate) => candidate.paymentId === paymentId);
    if (!found) throw new NotFoundError(`No payment ${paymentId}`);
    return { ...found, status };
  }
}

function reservation(orderId: string, status: Reservation['status']): Reservation {
  return { orderId, status, lines: [] };
}
