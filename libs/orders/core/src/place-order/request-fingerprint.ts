import { createHash } from 'node:crypto';
import type { PlaceOrder } from '@contracts/orders';
import { ConflictError } from '@seam/transport';
import { mergeLines } from '../domain/order-lines.js';

/** `details.reason` of the {@link ConflictError} for an idempotency key reused with another request. */
export const IDEMPOTENCY_KEY_REUSED = 'idempotency-key-reused';

type FingerprintedRequest = Pick<PlaceOrder, 'lines' | 'cardNumber'>;

/**
 * The fingerprint an idempotency key remembers of the request that first used it: SHA-256 (hex)
 * of a canonical form of what the customer asked for — the lines as the order places them
 * (merged per sku, see `mergeLines`) sorted by sku, and the card's last four digits. Lines in
 * another order, or a sku split over several lines, are the same request: they place the same
 * order. The customer is not in it: the key is already the customer's own.
 *
 * Why not the whole card number: a card number is a few guessable digits away from what is
 * stored anyway (last four, issuer prefix, Luhn digit), so its plain hash in this table could be
 * searched back to the number in seconds. Two cards with the same last four digits are then the
 * same request here — the payments module tells them apart with its keyed fingerprint.
 */
export function requestFingerprintOf(request: FingerprintedRequest): string {
  const lines = mergeLines(request.lines).toSorted((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  return fingerprint(['orders.place-order/2', lines.map(({ sku, quantity }) => [sku, quantity]), last4(request)]);
}

/**
 * The fingerprint orders stored before {@link requestFingerprintOf} was canonical: the lines as
 * sent, in their order. Only compared against, never stored: a retry of such an order with its
 * original body must still be recognised, and the stored hash cannot be recomputed in the new form
 * (the card's last four digits are not kept beside it). The version tags keep the two forms from
 * ever matching each other's requests.
 */
export function legacyRequestFingerprintOf(request: FingerprintedRequest): string {
  return fingerprint([
    'orders.place-order/1',
    request.lines.map(({ sku, quantity }) => [sku, quantity]),
    last4(request),
  ]);
}

/**
 * Refuses a request that is not the one its idempotency key remembers: `stored` must be its
 * fingerprint (`current`, see {@link requestFingerprintOf}) or, for an order stored before that
 * form, its {@link legacyRequestFingerprintOf}. An order stored before fingerprints were kept
 * (`stored` undefined) is answered as before.
 *
 * @throws ConflictError with `details.reason` {@link IDEMPOTENCY_KEY_REUSED} (the HTTP edge answers 422).
 */
export function assertSameRequest(
  idempotencyKey: string,
  stored: string | undefined,
  current: string,
  request: FingerprintedRequest,
): void {
  if (stored === undefined || stored === current || stored === legacyRequestFingerprintOf(request)) return;
  throw new ConflictError('This Idempotency-Key was already used for a different request: use a new key', {
    reason: IDEMPOTENCY_KEY_REUSED,
    idempotencyKey,
  });
}

function last4(request: FingerprintedRequest): string {
  return request.cardNumber.slice(-4);
}

function fingerprint(canonical: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex');
}
