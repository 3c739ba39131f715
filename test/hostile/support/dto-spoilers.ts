import * as fc from 'fast-check';
import { hostileValue } from './dto-rules.js';

/** A key to delete from the spoiled copy. */
const REMOVED = Symbol('removed');

/**
 * Keys a payload should not carry, the object-prototype ones included: class-validator's
 * whitelist reads them off a plain object (`hasOwnProperty` passes it, `toString` does not).
 */
const UNKNOWN_KEYS = ['extra', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'valueOf', '0'];

/**
 * Values at the edges of the project's constraints: lengths counted in code points (surrogate
 * pairs, variation selectors) against UTF-16 units, integers past 2^53, UUIDs of the wrong case
 * or version, dates that do not exist, roles in the wrong case, lists of lists.
 */
const EDGE_VALUES = fc.constantFrom<unknown>(
  '😀'.repeat(25),
  '😀'.repeat(41),
  'é\uFE0F'.repeat(30),
  'A'.repeat(3),
  'A'.repeat(36),
  'A'.repeat(40),
  'A'.repeat(41),
  'MUG-SEAM\n',
  ' \t',
  -0,
  2 ** 31,
  1e21,
  Number.MAX_SAFE_INTEGER + 2,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '3F1C2B9E-8D4A-4C1E-9B2A-1F2E3D4C5B6A',
  '3f1c2b9e-8d4a-1c1e-9b2a-1f2e3d4c5b6a',
  '2026-12-04',
  '2026-02-30T00:00:00Z',
  'ada@example',
  'customer',
  'ADMIN',
  'reserved',
  [{}],
  [[{ sku: 'MUG-SEAM', quantity: 1 }]],
  { amount: 1, currency: 'EUR' },
  { amount: 1, currency: 'EUR', extra: 1 },
);

/**
 * `sample` spoiled anywhere in its tree: fields kept, removed, replaced by hostile or edge
 * values, or spoiled in turn; lists regrown from their first item; unknown keys added. Most
 * fields are kept, so many results are still valid and both verdicts get exercised.
 */
export function spoiledPayload(sample: Record<string, unknown>): fc.Arbitrary<unknown> {
  // hostileValue draws from the sample's values: a field-less DTO lends it one.
  return spoiled(sample, Object.keys(sample).length > 0 ? sample : { value: 'x' }, 0);
}

function spoiled(value: unknown, source: Record<string, unknown>, depth: number): fc.Arbitrary<unknown> {
  const hostile = fc.oneof(hostileValue(source), EDGE_VALUES);
  if (depth > 3) return fc.oneof({ arbitrary: fc.constant(value), weight: 3 }, { arbitrary: hostile, weight: 1 });
  if (Array.isArray(value)) {
    const item = value.length > 0 ? spoiled(value[0], source, depth + 1) : hostile;
    return fc.oneof(
      { arbitrary: fc.constant(value), weight: 2 },
      { arbitrary: fc.array(item, { maxLength: 4 }), weight: 3 },
      { arbitrary: fc.array(fc.constant(value[0]), { minLength: 18, maxLength: 52 }), weight: 1 },
      { arbitrary: hostile, weight: 1 },
    );
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const fields = Object.fromEntries(
      Object.keys(record).map((key) => [
        key,
        fc.oneof(
          { arbitrary: fc.constant(record[key]), weight: 5 },
          { arbitrary: spoiled(record[key], source, depth + 1), weight: 3 },
          { arbitrary: fc.constant(REMOVED), weight: 1 },
        ),
      ]),
    );
    const extras = fc.oneof(
      { arbitrary: fc.constant({}), weight: 4 },
      { arbitrary: fc.dictionary(fc.constantFrom(...UNKNOWN_KEYS), hostile, { maxKeys: 2 }), weight: 1 },
    );
    const object = fc.tuple(fc.record(fields), extras).map(([kept, added]) => {
      const result: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(kept)) if (field !== REMOVED) result[key] = field;
      // defineProperty: a key such as `toString` is then an own field, as JSON.parse would make it.
      for (const [key, field] of Object.entries(added)) {
        Object.defineProperty(result, key, { value: field, enumerable: true, writable: true, configurable: true });
      }
      return result;
    });
    return fc.oneof({ arbitrary: object, weight: 6 }, { arbitrary: hostile, weight: 1 });
  }
  return fc.oneof({ arbitrary: fc.constant(value), weight: 2 }, { arbitrary: hostile, weight: 1 });
}
