import { Nested } from '@seam/transport';
import { IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * The largest amount one payment may be for, in minor units (100,000,000.00 of a currency with
 * cents): callers refuse a larger one before asking, in their own terms.
 */
export const MAX_PAYMENT_AMOUNT = 100_000_000_00;

/** An amount of money in integer minor units (cents) of an ISO 4217 currency. Never a float. */
export class Money {
  @IsInt() @Min(1) @Max(MAX_PAYMENT_AMOUNT) amount!: number;
  @MaxLength(3) @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code' }) currency!: string;
}

/** A key naming one intended operation: the same key again gets the same answer and no new effect. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,100}$/;
const IDEMPOTENCY_MESSAGE = { message: 'idempotencyKey must be 8 to 100 letters, digits or . _ : -' };

/** `payments.authorize-payment`: hold `amount` on a card for an order. */
export class AuthorizePayment {
  @MaxLength(100) @Matches(IDEMPOTENCY_KEY, IDEMPOTENCY_MESSAGE) idempotencyKey!: string;
  @MaxLength(36) @IsUUID('4') orderId!: string;
  @Nested(() => Money) amount!: Money;
  /** 12 to 19 digits. Only the last four are ever stored. */
  @IsString()
  @MaxLength(19)
  @Matches(/^\d{12,19}$/, { message: 'cardNumber must be 12 to 19 digits' })
  cardNumber!: string;
}

/** `payments.capture-payment` / `payments.refund-payment`: act on an authorized payment. */
export class PaymentAction {
  @MaxLength(100) @Matches(IDEMPOTENCY_KEY, IDEMPOTENCY_MESSAGE) idempotencyKey!: string;
  @MaxLength(36) @IsUUID('4') paymentId!: string;
}

/** `payments.get-payment` */
export class GetPayment {
  @MaxLength(36) @IsUUID('4') paymentId!: string;
}

/** `payments.find-order-payments`: which order. */
export class FindOrderPayments {
  @MaxLength(36) @IsUUID('4') orderId!: string;
}

/** The payments made for one order (normally one; none when it was never authorized). */
export class OrderPayments {
  payments!: Payment[];
}

/** Where a payment stands. `declined` is an answer, not an error: the card said no. */
export type PaymentStatus = 'authorized' | 'declined' | 'captured' | 'refunded';

/** A payment as the payments module reports it. */
export class Payment {
  paymentId!: string;
  orderId!: string;
  amount!: Money;
  status!: PaymentStatus;
  /** Why it was declined (e.g. `card_declined`, `insufficient_funds`). */
  reason?: string;
  cardLast4!: string;
  updatedAt!: string;
}

/** Reason strings a decline can carry. */
export const DECLINE_REASONS = ['card_declined', 'insufficient_funds'] as const;
