import { createHash } from 'node:crypto';
import type { PlaceOrder } from '@contracts/orders';
import { ConflictError } from '@seam/transport';

/** `details.reason` of the {@link ConflictError} for an idempotency key reused with another request. */
export const IDEMPOTENCY_KEY_REUSED = 'idempotency-key-reused';

/**
 * The fingerprint an idempotency key remembers of the request that first used it: SHA-256 (hex)
 * of a canonical form of what the customer asked for — the lines as sent (sku and quantity, in
 * their order) and the card's last four digits. The customer is not in it: the key is already
 * the customer's own.
 *
 * Why not the whole card number: a card number is a few guessable digits away from what is
 * stored anyway (last four, issuer prefix, Luhn digit), so its plain hash in this table could be
 * searched back to the number in seconds. Two cards with the same last four digits are then the
 * same request here — the payments module tells them apart with its keyed fingerprint.
 */
export function requestFingerprintOf(request: Pick<PlaceOrder, 'lines' | 'cardNumber'>): string {
  const canonical = JSON.stringify([
    'orders.place-order/1',
    request.lines.map(({ sku, quantity }) => [sku, quantity]),
    request.cardNumber.slice(-4),
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Refuses a request whose fingerprint differs from the one its idempotency key remembers. An
 * order stored before fingerprints were kept (`stored` undefined) is answered as before.
 *
 * @throws ConflictError with `details.reason` {@link IDEMPOTENCY_KEY_REUSED} (the HTTP edge answers 422).
 */
export function assertSameRequest(idempotencyKey: string, stored: string | undefined, current: string): void {
  if (stored === undefined || stored === current) return;
  throw new ConflictError('This Idempotency-Key was already used for a different request: use a new key', {
    reason: IDEMPOTENCY_KEY_REUSED,
    idempotencyKey,
  });
}
