/** Money in integer minor units (cents) of an ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

/** Where a payment stands. */
export type PaymentStatus = 'authorized' | 'declined' | 'captured' | 'refunded';

/** What can be done to a payment after its authorization. */
export type PaymentCommand = 'capture' | 'refund';

/** A card payment of an order: held (authorized), refused, charged, or given back. */
export interface Payment {
  id: string;
  orderId: string;
  amount: Money;
  status: PaymentStatus;
  /** Why the card was declined (only when `declined`). */
  reason?: string;
  /** The last four digits: the full card number is never kept. */
  cardLast4: string;
  /**
   * The provider's token for the card (absent for payments stored before tokens were kept):
   * what names the card between Seam and its provider, instead of the number.
   */
  cardToken?: string;
  /** The provider's id of the hold (absent when declined: there is nothing to capture). */
  authorizationId?: string;
  createdAt: string;
  updatedAt: string;
}

/** What a payment is about, before the provider has answered. */
export interface PaymentFields {
  id: string;
  orderId: string;
  amount: Money;
  cardLast4: string;
  /** The provider's token for the card, once it has answered. */
  cardToken?: string;
}

/**
 * The whole state machine: authorized → captured | refunded (a void); captured → refunded;
 * declined and refunded are final. Partial captures and refunds do not exist (the contract has
 * no amount on them), so each transition happens at most once per payment.
 */
const TRANSITIONS: Readonly<Record<PaymentStatus, Partial<Record<PaymentCommand, PaymentStatus>>>> = {
  authorized: { capture: 'captured', refund: 'refunded' },
  captured: { refund: 'refunded' },
  declined: {},
  refunded: {},
};

/** A command that the payment's status does not allow. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly status: PaymentStatus,
    readonly command: PaymentCommand,
  ) {
    super(`A ${status} payment cannot be ${command === 'capture' ? 'captured' : 'refunded'}`);
    this.name = 'IllegalTransitionError';
  }
}

/** The status `command` leads to from `status`, or `undefined` when it is not allowed. */
export function nextStatus(status: PaymentStatus, command: PaymentCommand): PaymentStatus | undefined {
  return TRANSITIONS[status][command];
}

/** A payment whose card the provider accepted, holding the amount under `authorizationId`. */
export function authorizedPayment(fields: PaymentFields, authorizationId: string, now: Date): Payment {
  const at = now.toISOString();
  return {
    ...fields,
    amount: { ...fields.amount },
    status: 'authorized',
    authorizationId,
    createdAt: at,
    updatedAt: at,
  };
}

/** A payment whose card the provider refused. Final: a new attempt is a new payment. */
export function declinedPayment(fields: PaymentFields, reason: string, now: Date): Payment {
  const at = now.toISOString();
  return { ...fields, amount: { ...fields.amount }, status: 'declined', reason, createdAt: at, updatedAt: at };
}

/**
 * The payment after `command`, stamped with `now`.
 *
 * @throws IllegalTransitionError when its status does not allow `command`.
 */
export function applyCommand(payment: Payment, command: PaymentCommand, now: Date): Payment {
  const status = nextStatus(payment.status, command);
  if (!status) throw new IllegalTransitionError(payment.status, command);
  return { ...payment, amount: { ...payment.amount }, status, updatedAt: now.toISOString() };
}

/** The last four digits of a card number: all that is stored or shown of it. */
export function cardLast4(cardNumber: string): string {
  if (!/^\d{12,19}$/.test(cardNumber)) throw new RangeError('A card number has 12 to 19 digits');
  return cardNumber.slice(-4);
}
