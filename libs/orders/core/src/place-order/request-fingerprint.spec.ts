import { describe, expect, it } from '@jest/globals';
import { ConflictError } from '@seam/transport';
import * as fc from 'fast-check';
import {
  assertSameRequest,
  IDEMPOTENCY_KEY_REUSED,
  legacyRequestFingerprintOf,
  requestFingerprintOf,
} from './request-fingerprint.js';

const CARD = '4111111111111111';
const request = { lines: [{ sku: 'MUG-1', quantity: 1 }], cardNumber: CARD };
const two = {
  lines: [
    { sku: 'MUG-1', quantity: 1 },
    { sku: 'TEE-1', quantity: 2 },
  ],
  cardNumber: CARD,
};

/** What the order places: quantities per sku, and the card's last four digits. */
function placed(req: { lines: { sku: string; quantity: number }[]; cardNumber: string }): string {
  const perSku = new Map<string, number>();
  for (const line of req.lines) perSku.set(line.sku, (perSku.get(line.sku) ?? 0) + line.quantity);
  return JSON.stringify([[...perSku].toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), req.cardNumber.slice(-4)]);
}

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

  it('is the same for the same lines in another order, or a sku split over several lines', () => {
    const fingerprint = requestFingerprintOf(two);
    expect(requestFingerprintOf({ ...two, lines: two.lines.toReversed() })).toBe(fingerprint);
    const split = [
      { sku: 'TEE-1', quantity: 1 },
      { sku: 'MUG-1', quantity: 1 },
      { sku: 'TEE-1', quantity: 1 },
    ];
    expect(requestFingerprintOf({ ...two, lines: split })).toBe(fingerprint);
  });

  it('differs for other lines, another quantity or other last four digits', () => {
    const fingerprint = requestFingerprintOf(request);
    for (const other of [
      { ...request, lines: [{ sku: 'MUG-1', quantity: 2 }] },
      { ...request, lines: [{ sku: 'TEE-1', quantity: 1 }] },
      { ...request, lines: two.lines },
      { ...request, cardNumber: '4000056655665556' },
    ])
      expect(requestFingerprintOf(other)).not.toBe(fingerprint);
  });

  it('is the same exactly when the order placed is the same (canonical JSON, not concatenation)', () => {
    const line = fc.record({
      sku: fc.constantFrom('A', 'B', 'A-1', 'AB', '1'),
      quantity: fc.integer({ min: 1, max: 100 }),
    });
    const req = fc.record({
      lines: fc.array(line, { minLength: 1, maxLength: 4 }),
      cardNumber: fc.stringMatching(/^\d{12,19}$/),
    });
    fc.assert(
      fc.property(req, req, (a, b) => {
        expect(requestFingerprintOf(a) === requestFingerprintOf(b)).toBe(placed(a) === placed(b));
      }),
    );
  });

  it('never equals the fingerprint an order stored before the canonical form', () => {
    expect(requestFingerprintOf(request)).not.toBe(legacyRequestFingerprintOf(request));
  });
});

describe('legacyRequestFingerprintOf', () => {
  it('is the fingerprint stored before the canonical form: the lines as sent, in their order', () => {
    // Computed by the earlier requestFingerprintOf and stored as is in orders.request_fingerprint.
    expect(legacyRequestFingerprintOf(two)).toBe('49313785704c32a712ecbf9da4241a167582738372a7e67f7f1507233ab31be4');
  });
});

describe('assertSameRequest', () => {
  const fingerprint = requestFingerprintOf(request);

  it('lets the same request through, and a key stored before fingerprints were kept', () => {
    expect(() => assertSameRequest('key-12345678', fingerprint, fingerprint, request)).not.toThrow();
    expect(() => assertSameRequest('key-12345678', undefined, fingerprint, request)).not.toThrow();
  });

  it('lets through the original body of an order stored with the fingerprint of before', () => {
    const stored = legacyRequestFingerprintOf(two);
    expect(() => assertSameRequest('key-12345678', stored, requestFingerprintOf(two), two)).not.toThrow();
  });

  it('refuses another request with a ConflictError whose reason the edge maps to 422', () => {
    const other = { ...request, lines: [{ sku: 'MUG-1', quantity: 3 }] };
    let caught: unknown;
    try {
      assertSameRequest('key-12345678', fingerprint, requestFingerprintOf(other), other);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConflictError);
    expect(caught).toMatchObject({ details: { reason: IDEMPOTENCY_KEY_REUSED, idempotencyKey: 'key-12345678' } });
    expect((caught as Error).message).not.toContain(fingerprint);
  });

  it('refuses another request against a fingerprint of before', () => {
    const stored = legacyRequestFingerprintOf(two);
    const other = { ...two, lines: [{ sku: 'MUG-1', quantity: 1 }] };
    expect(() => assertSameRequest('key-12345678', stored, requestFingerprintOf(other), other)).toThrow(ConflictError);
  });
});
