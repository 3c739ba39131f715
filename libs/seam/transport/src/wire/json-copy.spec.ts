import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { ValidationError } from '../errors/seam-error.js';
import { assertTransmittable, copyAsJson, MAX_MESSAGE_DEPTH } from './json-copy.js';

const NO_LIMIT = Number.POSITIVE_INFINITY;

/** What a real wire makes of `value`; `undefined` when JSON.stringify produces no text. */
function realRoundTrip(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

function bytesOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/**
 * A description of `value` that tells apart what `toEqual` glosses over: -0, NaN, holes,
 * prototypes, property order and flags, accessors.
 */
function shape(value: unknown): unknown {
  if (typeof value === 'number') return ['number', Object.is(value, -0) ? '-0' : String(value)];
  if (typeof value !== 'object' || value === null) return [typeof value, String(value)];
  const proto = Object.getPrototypeOf(value);
  const protoName =
    proto === Object.prototype ? 'Object' : proto === Array.prototype ? 'Array' : String(proto?.constructor?.name);
  const props = Reflect.ownKeys(value).map((key) => {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    const kind = 'value' in d ? 'data' : 'accessor';
    return [String(key), kind, d.enumerable, d.writable, d.configurable, shape(d.value)];
  });
  return { proto: protoName, props };
}

/** Every object reachable from `value` through own properties. */
function objectsIn(value: unknown, found = new Set<object>()): Set<object> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || found.has(value)) return found;
  found.add(value);
  for (const key of Reflect.ownKeys(value)) objectsIn(Object.getOwnPropertyDescriptor(value, key)!.value, found);
  return found;
}

/** An array holding an array … `levels` deep, a number at the bottom. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = [value];
  return value;
}

/** What the real round trip gives: the shape of its result, or not-serialisable when it throws. */
function realOutcome(value: unknown): unknown {
  try {
    return { shape: shape(realRoundTrip(value)) };
  } catch {
    return { reason: 'not-serialisable' };
  }
}

/** What `fn` gives: the shape of its result, or the reason of the ValidationError it throws. */
function outcomeOf(fn: () => unknown): unknown {
  try {
    return { shape: shape(fn()) };
  } catch (error) {
    return error instanceof ValidationError ? { reason: error.details.reason } : { unexpected: String(error) };
  }
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  get norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

const oddValues = fc.oneof(
  fc.constantFrom(undefined, null, Number.NaN, Infinity, -Infinity, -0, Symbol('s'), () => 1, new Date(Number.NaN)),
  fc.constantFrom('\ud800', 'x\udc00y', '\u0000\u001f\u007f', '😀漢字', '"\\\n'),
  fc.string({ unit: 'binary' }),
  fc.date({ noInvalidDate: false }),
  fc.jsonValue().map((inner) => ({ toJSON: () => inner })),
  fc.constant({ toJSON: (key: string) => `key:${key}` }),
  fc.tuple(fc.double(), fc.double()).map(([x, y]) => new Point(x, y)),
);
const keys = fc.oneof(
  fc.string(),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toJSON', 'length', '0', '7'),
);
const anyPayload = fc.anything({
  key: keys,
  values: [fc.boolean(), fc.integer(), fc.double(), fc.string(), oddValues],
  maxDepth: 4,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
});

function cyclicObject(): object {
  const outer: Record<string, unknown> = {};
  outer.inner = { outer };
  return outer;
}

function cyclicArray(): unknown[] {
  const list: unknown[] = [1];
  list.push([list]);
  return list;
}

function sparseArray(): unknown[] {
  const list: unknown[] = [1];
  list[4] = 3;
  return list;
}

type Check = (value: unknown, maxBytes: number) => unknown;

/** Behaviour shared by both functions: what cannot travel, and the size limit. */
function describeRefusals(check: Check): void {
  it.each([
    ['a BigInt', 1n],
    ['a nested BigInt', { a: [{ b: 10n }] }],
    ['a boxed BigInt', { a: Object(1n) }],
    ['a toJSON returning a BigInt', { a: { toJSON: () => 2n } }],
    ['a cyclic object', cyclicObject()],
    ['a cyclic array', cyclicArray()],
    // Deeper than MAX_MESSAGE_DEPTH yet shallow enough for V8's own stringify: refused the same
    // way whatever the JIT and the stack, so that no transport sends what another refuses.
    ['an array 257 levels deep', nested(257)],
    ['an array 5,000 levels deep', nested(5_000)],
  ])('refuses %s as not-serialisable', (_, value) => {
    expect(outcomeOf(() => check(value, NO_LIMIT))).toEqual({ reason: 'not-serialisable' });
  });

  it('lets a message nested exactly MAX_MESSAGE_DEPTH levels deep through', () => {
    expect(() => check(nested(MAX_MESSAGE_DEPTH), NO_LIMIT)).not.toThrow();
  });

  it.each([
    ['ASCII', { text: 'a'.repeat(100) }, 111],
    ['emoji, CJK and escaped control characters', { s: '😀漢字\u0001\n"' }, 28],
    ['worst-case escapes (8 bytes per character)', '\u0000'.repeat(1000), 6002],
    ['lone surrogates (escaped by JSON)', ['\ud800'], 10],
    ['long keys of escaped characters', { ['\u0001'.repeat(500)]: 0 }, 3006],
  ])('measures %s in UTF-8 bytes of the JSON text, passing exactly at the limit', (_, value, bytes) => {
    expect(bytesOf(value)).toBe(bytes);
    expect(() => check(value, bytes)).not.toThrow();
    const error = thrownBy(() => check(value, bytes - 1)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toMatchObject({ reason: 'message-too-large', bytes, maxBytes: bytes - 1 });
  });

  it('throws message-too-large exactly when the encoded size exceeds the limit', () => {
    const sized = fc
      .oneof(fc.jsonValue({ stringUnit: 'binary' }), anyPayload)
      .chain((value) => fc.tuple(fc.constant(value), fc.nat({ max: 2 * bytesOf(value) + 2 })));
    fc.assert(
      fc.property(sized, ([value, maxBytes]) => {
        const outcome = outcomeOf(() => check(value, maxBytes)) as { reason?: unknown };
        expect(outcome.reason).toBe(bytesOf(value) > maxBytes ? 'message-too-large' : undefined);
      }),
      { numRuns: 300 },
    );
  });
}

describe('json-copy', () => {
  describe('copyAsJson', () => {
    it('equals the JSON round trip for arbitrary values, down to -0, holes, prototypes and property flags', () => {
      fc.assert(
        fc.property(fc.oneof(anyPayload, fc.jsonValue({ stringUnit: 'binary' })), (value) => {
          const copy = copyAsJson(value, NO_LIMIT);
          expect(shape(copy)).toEqual(shape(realRoundTrip(value)));
          expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
        }),
        { numRuns: 500 },
      );
    });

    it('throws where JSON.stringify throws and equals the round trip elsewhere, with BigInts around', () => {
      fc.assert(
        fc.property(fc.anything({ withBigInt: true, maxDepth: 3 }), (value) => {
          expect(outcomeOf(() => copyAsJson(value, NO_LIMIT))).toEqual(realOutcome(value));
        }),
      );
    });

    it.each([
      ['Dates (valid and invalid)', { at: new Date(0), bad: new Date(Number.NaN) }],
      [
        'undefined, functions and symbols in objects and arrays',
        { u: undefined, f: () => 1, s: Symbol('x'), a: [undefined, () => 1, Symbol('y')] },
      ],
      ['NaN, ±Infinity and -0', [Number.NaN, Infinity, -Infinity, -0, { z: -0 }]],
      ['sparse arrays', [sparseArray(), { a: new Array(3) }]],
      ['boxed primitives', [Object(1), Object('s'), Object(false), Object(Symbol('b'))]],
      ['toJSON with its key argument', { k: { toJSON: (key: string) => key }, a: [{ toJSON: (key: string) => key }] }],
      ['functions with toJSON', { fn: Object.assign(() => 0, { toJSON: () => 'fn' }) }],
      ['class instances', new Point(3, 4)],
      [
        'Maps, Sets, typed arrays and Buffers',
        [new Map([[1, 2]]), new Set([1]), new Uint8Array([1, 2]), Buffer.from('hi')],
      ],
      ['a "__proto__" key read from JSON', JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": [1]}}')],
    ])('copies %s as JSON does', (_, value) => {
      const copy = copyAsJson(value, NO_LIMIT);
      expect(shape(copy)).toEqual(shape(realRoundTrip(value)));
    });

    it('keeps "__proto__" as an own property and never changes a prototype', () => {
      const copy = copyAsJson(JSON.parse('{"__proto__": {"polluted": true}}'), NO_LIMIT) as Record<string, unknown>;
      expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
      expect(Object.keys(copy)).toEqual(['__proto__']);
      expect(copy.polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('uses a BigInt toJSON when one is installed, as JSON.stringify does', () => {
      const proto = BigInt.prototype as unknown as { toJSON?: () => string };
      proto.toJSON = function (this: bigint) {
        return this.toString();
      };
      try {
        expect(copyAsJson({ n: 12n }, NO_LIMIT)).toEqual(realRoundTrip({ n: 12n }));
      } finally {
        delete proto.toJSON;
      }
    });

    it('returns undefined for a top-level value that JSON drops (nothing to send)', () => {
      expect(copyAsJson(undefined, NO_LIMIT)).toBeUndefined();
      expect(copyAsJson(() => 1, NO_LIMIT)).toBeUndefined();
    });

    it('shares no object with the original, so mutations never cross', () => {
      fc.assert(
        fc.property(anyPayload, (value) => {
          const originals = objectsIn(value);
          expect([...objectsIn(copyAsJson(value, NO_LIMIT))].filter((o) => originals.has(o))).toEqual([]);
        }),
      );
      const shared = { n: 1 };
      const original = { list: [{ n: 1 }], via: { toJSON: () => shared } };
      const copy = copyAsJson(original, NO_LIMIT) as unknown as { list: { n: number }[]; via: { n: number } };
      copy.list[0]!.n = 2;
      copy.via.n = 2;
      expect(original.list[0]!.n).toBe(1);
      expect(shared.n).toBe(1);
      original.list.push({ n: 3 });
      expect(copy.list).toHaveLength(1);
    });

    describeRefusals(copyAsJson);
  });

  describe('assertTransmittable', () => {
    it('accepts every value the round trip accepts and leaves it untouched', () => {
      fc.assert(
        fc.property(anyPayload, (value) => {
          const before = shape(value);
          expect(() => assertTransmittable(value, NO_LIMIT)).not.toThrow();
          expect(shape(value)).toEqual(before);
        }),
      );
    });

    describeRefusals(assertTransmittable);
  });
});
