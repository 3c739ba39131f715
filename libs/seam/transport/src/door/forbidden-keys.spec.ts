import { describe, expect, it } from '@jest/globals';
import { findForbiddenKeys, MAX_PAYLOAD_DEPTH } from './forbidden-keys.js';

/** `levels` nested values (objects or arrays), the outermost counting as the first level. */
function nested(levels: number, kind: 'object' | 'array' = 'object'): unknown {
  let value: unknown = kind === 'object' ? {} : [];
  for (let i = 1; i < levels; i++) value = kind === 'object' ? { a: value } : [value];
  return value;
}

describe('forbidden-keys', () => {
  describe('findForbiddenKeys', () => {
    it('finds nothing in a clean payload, even with forbidden words as values or inside keys', () => {
      const payload = JSON.parse(
        '{"name":"constructor","tags":["__proto__","prototype"],"proto":1,"__proto":2,"constructors":{}}',
      );
      expect(findForbiddenKeys(payload)).toEqual({ paths: [], tooDeep: false });
    });

    it.each([
      ['null', null],
      ['a string', '__proto__'],
      ['a number', 1],
      ['undefined', undefined],
    ])('finds nothing in %s', (_, value) => {
      expect(findForbiddenKeys(value)).toEqual({ paths: [], tooDeep: false });
    });

    it('reports the path of each forbidden key, at any depth, in document order', () => {
      const payload = JSON.parse(
        '{"__proto__":{"polluted":true},"a":{"b":[{"ok":1},{"constructor":{}}]},"c":[[{"prototype":null}]]}',
      );
      expect(findForbiddenKeys(payload).paths).toEqual(['__proto__', 'a.b[1].constructor', 'c[0][0].prototype']);
    });

    it('reports keys inside a top-level array by index', () => {
      expect(findForbiddenKeys(JSON.parse('[{"__proto__":1}]')).paths).toEqual(['[0].__proto__']);
    });

    it('does not look inside the value of a forbidden key', () => {
      const payload = JSON.parse('{"constructor":{"prototype":{"__proto__":{}}}}');
      expect(findForbiddenKeys(payload).paths).toEqual(['constructor']);
    });

    it.each(['object', 'array'] as const)('accepts %s nesting of exactly MAX_PAYLOAD_DEPTH levels', (kind) => {
      expect(MAX_PAYLOAD_DEPTH).toBe(64);
      expect(findForbiddenKeys(nested(64, kind)).tooDeep).toBe(false);
    });

    it.each(['object', 'array'] as const)('flags %s nesting of one level more as too deep', (kind) => {
      expect(findForbiddenKeys(nested(65, kind)).tooDeep).toBe(true);
    });

    it('stops at the depth limit instead of walking a hostile 1,000,000-level payload', () => {
      expect(findForbiddenKeys(nested(1_000_000)).tooDeep).toBe(true);
    });
  });
});
