import type { Money } from '../domain/payment.js';
import type { FakeHoldState, FakeProviderHoldRecord } from '../infrastructure/fake-provider-hold.record.js';
import { FakeProviderLedgerRecord } from '../infrastructure/fake-provider-ledger.record.js';
import type { LedgerEntry } from './fake-payment-provider.js';
import { SettlementRefusedError } from './payment-provider.js';

// The fake provider's settlements (capture, refund) as rules and records: which holds each may
// move, what it writes to the ledger, and how it refuses.

/** What moves a hold: a capture, or a refund (a void, for a hold never captured). */
export type Settlement = 'capture' | 'refund';

/** The states each settlement may move a hold from: a capture to `captured`, a refund as {@link REFUNDED}. */
export const MOVABLE: Readonly<Record<Settlement, readonly FakeHoldState[]>> = {
  capture: ['held'],
  refund: ['held', 'captured'],
};

/** A refund's new state, as SQL evaluated on the row: a refund of a hold never captured is a void. */
export const REFUNDED = `CASE state WHEN 'held' THEN 'voided' ELSE 'refunded' END`;

/** The ledger entry of the state a settlement moved a hold to. */
export const ENTRY_OF_STATE: Readonly<Partial<Record<FakeHoldState, LedgerEntry['type']>>> = {
  captured: 'capture',
  refunded: 'refund',
  voided: 'void',
};

/** The ledger record of a settlement of `hold`, under its idempotency key. */
export function entryOf(
  type: LedgerEntry['type'],
  hold: FakeProviderHoldRecord,
  idempotencyKey: string | null,
): FakeProviderLedgerRecord {
  const { authorizationId, amount, currency, cardLast4 } = hold;
  return Object.assign(new FakeProviderLedgerRecord(), {
    type,
    authorizationId,
    amount,
    currency,
    cardLast4,
    idempotencyKey,
  });
}

/** The refusal of a settlement key already used for another settlement. */
export function keyReused(idempotencyKey: string): Error {
  return new Error(`idempotency key ${idempotencyKey} was used for another settlement`);
}

/** Whether a ledger entry is what `operation` on the authorization, for `amount`, would have written. */
export function sameSettlement(
  entry: FakeProviderLedgerRecord,
  operation: Settlement,
  authorizationId: string,
  amount: Money,
): boolean {
  const types: readonly string[] = operation === 'capture' ? ['capture'] : ['refund', 'void'];
  return (
    types.includes(entry.type) &&
    entry.authorizationId === authorizationId &&
    entry.amount === amount.amount &&
    entry.currency === amount.currency
  );
}

/** Why a settlement matched no hold, as the provider would say it, with where the hold stands. */
export function refusal(
  operation: Settlement,
  authorizationId: string,
  hold: FakeProviderHoldRecord | null,
  amount: Money,
): SettlementRefusedError {
  if (!hold) return new SettlementRefusedError(`cannot ${operation} unknown authorization ${authorizationId}`);
  if (!MOVABLE[operation].includes(hold.state)) {
    return new SettlementRefusedError(
      operation === 'capture'
        ? `authorization ${authorizationId} is ${hold.state}, it cannot be captured`
        : `authorization ${authorizationId} is already ${hold.state}`,
      hold.state,
    );
  }
  return new SettlementRefusedError(
    `authorization ${authorizationId} holds ${hold.amount} ${hold.currency}, not ${amount.amount} ${amount.currency}`,
    hold.state,
  );
}
