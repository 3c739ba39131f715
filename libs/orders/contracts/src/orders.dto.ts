import { Nested, Optional } from '@seam/transport';
import { ArrayMinSize, IsInt, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** An amount of money in integer minor units (cents) of an ISO 4217 currency. Never a float. */
export class Money {
  amount!: number;
  currency!: string;
}

const SKU = /^[A-Z0-9][A-Z0-9-]{0,39}$/;

/**
 * At most this many units of one product in one order: per line, and for the lines of the same
 * sku added up (an order places one line per sku).
 */
export const MAX_QUANTITY_PER_PRODUCT = 100;

/** One line of an order to place. */
export class OrderLineRequest {
  @MaxLength(40) @Matches(SKU, { message: 'sku must be 1 to 40 upper-case letters, digits or dashes' }) sku!: string;
  @IsInt() @Min(1) @Max(MAX_QUANTITY_PER_PRODUCT) quantity!: number;
}

/** `orders.place-order`: buy some products for a customer, paying by card. */
export class PlaceOrder {
  /** The customer placing it (the edge takes it from the verified token, never from the body). */
  @MaxLength(36) @IsUUID('4') customerId!: string;
  /**
   * 1 to 20 lines. Lines of the same sku are added up into one: their total is held to
   * {@link MAX_QUANTITY_PER_PRODUCT} too (`ValidationError` naming the sku).
   */
  @ArrayMinSize(1)
  @Nested(() => OrderLineRequest, { maxItems: 20 })
  lines!: OrderLineRequest[];
  @MaxLength(19)
  @Matches(/^\d{12,19}$/, { message: 'cardNumber must be 12 to 19 digits' })
  cardNumber!: string;
  /** Makes placing safe to retry: the same key answers the order it first placed. */
  @Optional()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._:-]{8,100}$/, { message: 'idempotencyKey must be 8 to 100 letters, digits or . _ : -' })
  idempotencyKey?: string;
}

/** The states of an order: `pending` → `confirmed` | `rejected`; `confirmed` → `cancelled`. */
export type OrderStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled';

/** One line of a placed order, priced when it was placed. */
export class OrderLine {
  sku!: string;
  name!: string;
  quantity!: number;
  unitPrice!: Money;
  lineTotal!: Money;
}

/** Where an order's payment stands at the payments module. */
export type OrderPaymentStatus = 'authorized' | 'declined' | 'captured' | 'refunded';

/** The payment of an order: `captured` once confirmed, `refunded` once cancelled or compensated. */
export class OrderPayment {
  paymentId!: string;
  status!: OrderPaymentStatus;
}

/** An order as the orders module reports it. */
export class OrderView {
  orderId!: string;
  customerId!: string;
  status!: OrderStatus;
  lines!: OrderLine[];
  total!: Money;
  /** Why it was rejected (e.g. `payment declined: card_declined`, `out of stock: SKU-1`). */
  reason?: string;
  /** Its payment, once one was asked for (absent when the order failed before paying). */
  payment?: OrderPayment;
  createdAt!: string;
  updatedAt!: string;
}

/** `orders.get-order` / `orders.cancel-order`: an order, seen by its customer (or by the system when absent). */
export class OrderRef {
  @MaxLength(36) @IsUUID('4') orderId!: string;
  /** When given, an order of another customer is `NotFoundError`, as if it did not exist. */
  @Optional() @MaxLength(36) @IsUUID('4') customerId?: string;
}

/** `orders.list-orders`: a customer's orders, newest first. */
export class ListOrders {
  @MaxLength(36) @IsUUID('4') customerId!: string;
  @Optional() @IsInt() @Min(1) @Max(10_000) page?: number;
  @Optional() @IsInt() @Min(1) @Max(100) pageSize?: number;
}

/** One page of orders. */
export class OrderPage {
  items!: OrderView[];
  page!: number;
  pageSize!: number;
  total!: number;
}
