import { createHash, createHmac, randomBytes } from 'node:crypto';

/** Shortest fingerprint key accepted, in bytes: 256 bits, the size of HMAC-SHA-256's output. */
export const MIN_FINGERPRINT_KEY_BYTES = 32;

/**
 * Fingerprints of card numbers: HMAC-SHA-256 of the number under a secret key of the payments
 * module, so that an idempotency key reused with another card is told apart without keeping the
 * number.
 *
 * Why a secret key and not a salt stored next to the hash (the idempotency key, say): a card
 * number is 12 to 19 digits of which the first six (the issuer) and the last four (stored) are
 * known or guessable, and the last digit is a Luhn check: about 10^5 candidates are left, so
 * whoever reads the database could test them all against a hash keyed only with what is stored
 * beside it, salted or not, in well under a second. A key kept outside the database
 * (`PAYMENTS_CARD_FINGERPRINT_KEY`) leaves nothing to test the candidates against.
 *
 * A fingerprint is `<key id>:<hmac hex>`: the key id (a hash of the key, which says nothing
 * about it) tells whether two fingerprints were made with the same key and can be compared.
 */
export class CardFingerprints {
  /** Names the key, so that fingerprints made with another key (before a restart or a rotation) are not compared. */
  readonly keyId: string;
  private readonly key: Buffer;

  /**
   * @param key the secret: at least {@link MIN_FINGERPRINT_KEY_BYTES} bytes (of a string, its UTF-8 bytes).
   * @throws RangeError when the key is shorter.
   */
  constructor(key: string | Buffer) {
    this.key = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
    if (this.key.length < MIN_FINGERPRINT_KEY_BYTES) {
      throw new RangeError(`a card fingerprint key needs at least ${MIN_FINGERPRINT_KEY_BYTES} bytes`);
    }
    this.keyId = createHash('sha256')
      .update('seam.payments.card-fingerprint-key:')
      .update(this.key)
      .digest('hex')
      .slice(0, 12);
  }

  /** Fingerprints under a random key that lives as long as this process (nothing configured). */
  static ephemeral(): CardFingerprints {
    return new CardFingerprints(randomBytes(MIN_FINGERPRINT_KEY_BYTES));
  }

  /** The fingerprint of `cardNumber`: equal for equal numbers under one key, and nothing else. */
  of(cardNumber: string): string {
    return `${this.keyId}:${createHmac('sha256', this.key).update(cardNumber, 'utf8').digest('hex')}`;
  }
}

/**
 * Whether two fingerprints say that the cards differ. Fingerprints made with different keys (or
 * missing: keys claimed before fingerprints were kept) cannot say it: the caller then relies on
 * what else it compares (the last four digits).
 */
export function differentCards(stored: string | undefined, current: string | undefined): boolean {
  if (stored === undefined || current === undefined) return false;
  if (keyIdOf(stored) !== keyIdOf(current)) return false;
  return stored !== current;
}

function keyIdOf(fingerprint: string): string {
  return fingerprint.slice(0, fingerprint.indexOf(':'));
}
