import { describe, expect, it } from '@jest/globals';
import { ConflictError } from '@seam/transport';
import * as fc from 'fast-check';
import { assertSameRequest, IDEMPOTENCY_KEY_REUSED, requestFingerprintOf } from './request-fingerprint.js';

const CARD = '4111111111111111';
const request = { lines: [{ sku: 'MUG-1', quantity: 1 }], cardNumber: CARD };

describe('requestFingerprintOf', () => {
  it('is 64 hex digits, the same for the same request and free of the card number', () => {
    const fingerprint = requestFingerprintOf(request);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprintOf({ lines: [{ quantity: 1, sku: 'MUG-1' }], cardNumber: CARD })).toBe(fingerprint);
    expect(fingerprint).not.toContain(CARD);
  });

  it('ignores fields that are not part of the request (a customerId, a key)', () => {
    const extra = { ...request, customerId: 'c', idempotencyKey: 'k-12345678' };
    expect(requestFingerprintOf(extra)).toBe(requestFingerprintOf(request));
  });

  it('differs for other lines, their order, another quantity or other last four digits', () => {
    const fingerprint = requestFingerprintOf(request);
    const two = [
      { sku: 'MUG-1', quantity: 1 },
      { sku: 'TEE-1', quantity: 1 },
    ];
    for (const other of [
      { ...request, lines: [{ sku: 'MUG-1', quantity: 2 }] },
      { ...request, lines: [{ sku: 'TEE-1', quantity: 1 }] },
      { ...request, lines: two },
      { lines: two.toReversed(), cardNumber: CARD },
      { ...request, cardNumber: '4000056655665556' },
    ])
      expect(requestFingerprintOf(other)).not.toBe(fingerprint);
  });

  it('cannot be made to collide by moving characters between fields (canonical JSON, not concatenation)', () => {
    const line = fc.record({ sku: fc.string({ maxLength: 12 }), quantity: fc.integer({ min: 1, max: 100 }) });
    const req = fc.record({
      lines: fc.array(line, { minLength: 1, maxLength: 4 }),
      cardNumber: fc.stringMatching(/^\d{12,19}$/),
    });
    fc.assert(
      fc.property(req, req, (a, b) => {
        const same =
          JSON.stringify(a.lines.map((l) => [l.sku, l.quantity])) ===
            JSON.stringify(b.lines.map((l) => [l.sku, l.quantity])) &&
          a.cardNumber.slice(-4) === b.cardNumber.slice(-4);
        expect(requestFingerprintOf(a) === requestFingerprintOf(b)).toBe(same);
      }),
    );
  });
});

describe('assertSameRequest', () => {
  const fingerprint = requestFingerprintOf(request);

  it('lets the same request through, and a key stored before fingerprints were kept', () => {
    expect(() => assertSameRequest('key-12345678', fingerprint, fingerprint)).not.toThrow();
    expect(() => assertSameRequest('key-12345678', undefined, fingerprint)).not.toThrow();
  });

  it('refuses another request with a ConflictError whose reason the edge maps to 422', () => {
    const other = requestFingerprintOf({ ...request, lines: [{ sku: 'MUG-1', quantity: 3 }] });
    let caught: unknown;
    try {
      assertSameRequest('key-12345678', fingerprint, other);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConflictError);
    expect(caught).toMatchObject({ details: { reason: IDEMPOTENCY_KEY_REUSED, idempotencyKey: 'key-12345678' } });
    expect((caught as Error).message).not.toContain(fingerprint);
  });
});
