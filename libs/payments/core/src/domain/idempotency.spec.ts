import { describe, expect, it } from '@jest/globals';
import { CardFingerprints } from './card-fingerprint.js';
import { canonicalJson, type KeyUse, replayOf, requestHash } from './idempotency.js';

const request = { orderId: 'o-1', amount: { amount: 1_000, currency: 'EUR' }, cardLast4: '4242' };

describe('idempotency', () => {
  describe('canonicalJson', () => {
    it('sorts object keys at every level and keeps array order', () => {
      expect(canonicalJson({ b: 1, a: { d: [2, 1], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,1]},"b":1}');
    });

    it('leaves out undefined fields, as JSON does', () => {
      expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    });

    it('refuses numbers JSON cannot carry', () => {
      expect(() => canonicalJson({ amount: Number.NaN })).toThrow(RangeError);
      expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    });
  });

  describe('requestHash', () => {
    it('is a sha256 in hex, equal whatever the order of the fields', () => {
      const reordered = { cardLast4: '4242', amount: { currency: 'EUR', amount: 1_000 }, orderId: 'o-1' };
      expect(requestHash('authorize', request)).toMatch(/^[0-9a-f]{64}$/);
      expect(requestHash('authorize', reordered)).toBe(requestHash('authorize', request));
    });

    it('differs when a field or the operation differs', () => {
      const base = requestHash('authorize', request);
      expect(requestHash('authorize', { ...request, amount: { amount: 1_001, currency: 'EUR' } })).not.toBe(base);
      expect(requestHash('authorize', { ...request, orderId: 'o-2' })).not.toBe(base);
      expect(requestHash('capture', request)).not.toBe(base);
    });

    it('does not confuse a field holding JSON text with the structure it describes', () => {
      expect(requestHash('capture', { a: '{"b":1}' })).not.toBe(requestHash('capture', { a: { b: 1 } }));
    });
  });

  describe('replayOf', () => {
    const hash = requestHash('authorize', request);
    const completed: KeyUse<string> = {
      operation: 'authorize',
      requestHash: hash,
      state: 'completed',
      response: 'the answer',
    };

    it('answers the same request with the stored answer', () => {
      expect(replayOf(completed, 'authorize', hash)).toEqual({ kind: 'replay', response: 'the answer' });
    });

    it('refuses other details or another operation under the same key', () => {
      expect(replayOf(completed, 'authorize', requestHash('authorize', { ...request, orderId: 'o-2' }))).toEqual({
        kind: 'reused',
      });
      expect(replayOf(completed, 'capture', hash)).toEqual({ kind: 'reused' });
    });

    it('refuses another card with the same last four digits, told apart by the fingerprints', () => {
      const fingerprints = new CardFingerprints('k'.repeat(32));
      const stored = { ...completed, cardFingerprint: fingerprints.of('4242424242424242') };
      expect(replayOf(stored, 'authorize', hash, fingerprints.of('4000056655664242'))).toEqual({ kind: 'reused' });
      expect(replayOf(stored, 'authorize', hash, fingerprints.of('4242424242424242'))).toEqual({
        kind: 'replay',
        response: 'the answer',
      });
    });

    it('compares the rest when the fingerprints were made with different keys (another process)', () => {
      const before = new CardFingerprints('k'.repeat(32));
      const now = new CardFingerprints('n'.repeat(32));
      const stored = { ...completed, cardFingerprint: before.of('4242424242424242') };
      expect(replayOf(stored, 'authorize', hash, now.of('4242424242424242'))).toMatchObject({ kind: 'replay' });
      expect(replayOf(stored, 'authorize', 'other', now.of('4242424242424242'))).toEqual({ kind: 'reused' });
    });

    it('says the first request is still running, unless the request differs', () => {
      const running: KeyUse<string> = { operation: 'authorize', requestHash: hash, state: 'in_progress' };
      expect(replayOf(running, 'authorize', hash)).toEqual({ kind: 'in-progress' });
      expect(replayOf(running, 'authorize', 'other')).toEqual({ kind: 'reused' });
    });
  });
});
