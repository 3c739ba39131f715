import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { CardFingerprints, differentCards } from './card-fingerprint.js';

const KEY = 'a-test-key-of-exactly-32-bytes!!';
const OTHER_KEY = 'another-test-key-of-32-bytes-!!!';
const CARD = '4242424242424242';
/** Same last four digits, another card. */
const TWIN = '4000056655664242';

describe('CardFingerprints', () => {
  describe('constructor', () => {
    it('refuses a key shorter than 32 bytes', () => {
      expect(() => new CardFingerprints(KEY.slice(1))).toThrow(RangeError);
      expect(() => new CardFingerprints(Buffer.alloc(31))).toThrow(RangeError);
    });
  });

  describe('of', () => {
    const fingerprints = new CardFingerprints(KEY);

    it('is the key id and an HMAC-SHA-256 in hex, equal for one number under one key', () => {
      expect(fingerprints.of(CARD)).toMatch(/^[0-9a-f]{12}:[0-9a-f]{64}$/);
      expect(new CardFingerprints(KEY).of(CARD)).toBe(fingerprints.of(CARD));
    });

    it('differs for another number, even one with the same last four digits', () => {
      expect(fingerprints.of(TWIN)).not.toBe(fingerprints.of(CARD));
    });

    it('differs under another key, and then names another key', () => {
      const other = new CardFingerprints(OTHER_KEY);
      expect(other.keyId).not.toBe(fingerprints.keyId);
      expect(other.of(CARD).split(':')[1]).not.toBe(fingerprints.of(CARD).split(':')[1]);
    });

    it('holds neither the number nor its unkeyed hash, so reading it gives nothing to test guesses against', () => {
      const fingerprint = fingerprints.of(CARD);
      expect(fingerprint).not.toContain(CARD);
      expect(fingerprint).not.toContain(createHash('sha256').update(CARD).digest('hex'));
    });

    it('uses a fresh key in each ephemeral instance', () => {
      expect(CardFingerprints.ephemeral().keyId).not.toBe(CardFingerprints.ephemeral().keyId);
    });
  });
});

describe('differentCards', () => {
  const fingerprints = new CardFingerprints(KEY);

  it('says so when two fingerprints under one key differ', () => {
    expect(differentCards(fingerprints.of(CARD), fingerprints.of(TWIN))).toBe(true);
    expect(differentCards(fingerprints.of(CARD), fingerprints.of(CARD))).toBe(false);
  });

  it('cannot tell across keys, or when either fingerprint is missing', () => {
    const other = new CardFingerprints(OTHER_KEY);
    expect(differentCards(fingerprints.of(CARD), other.of(TWIN))).toBe(false);
    expect(differentCards(undefined, fingerprints.of(CARD))).toBe(false);
    expect(differentCards(fingerprints.of(CARD), undefined)).toBe(false);
  });
});
