import { describe, expect, it } from '@jest/globals';
import { findForbiddenKeys, MAX_PAYLOAD_DEPTH } from '@seam/transport';
import * as fc from 'fast-check';
import { scanBody, scanPayload } from './payload-scan.js';

/** JSON as a hostile client writes it: the keys and texts the scan looks for, at any depth. */
const KEYS = ['a', 'lines', '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'x\u0000', '\u0000'];
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('', 'mug', '\u0000', 'a\u0000b'),
    fc.integer(),
    fc.constant(null),
    tie('list'),
    tie('object'),
  ),
  list: fc.array(tie('json'), { maxLength: 4 }),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('json'), { maxKeys: 5 }),
}));
/** `leaf` under `levels` alternating objects and lists. */
function nested(levels: number, leaf: unknown, key: string): unknown {
  let value = leaf;
  for (let level = 0; level < levels; level++) value = level % 2 === 0 ? { [key]: value } : [value];
  return value;
}
const deep = fc
  .tuple(fc.integer({ min: MAX_PAYLOAD_DEPTH - 4, max: MAX_PAYLOAD_DEPTH + 4 }), json, fc.constantFrom(...KEYS))
  .map(([levels, leaf, key]) => nested(levels, leaf, key));
/** As JSON.parse makes it: `__proto__` an own key. */
const parsed = fc.oneof(json, deep).map((value) => JSON.parse(JSON.stringify({ body: value })) as unknown);

describe('scanPayload', () => {
  it('finds forbidden keys and too deep payloads exactly as the doors do (findForbiddenKeys)', () => {
    fc.assert(
      fc.property(parsed, (value) => {
        const { paths, tooDeep } = findForbiddenKeys(value);
        const scan = scanPayload(value);
        expect({ forbidden: scan.forbidden, tooDeep: scan.tooDeep }).toEqual({ forbidden: paths, tooDeep });
      }),
      { numRuns: 2_000 },
    );
  });

  it('finds U+0000 in any text, keys included, naming each by its path', () => {
    const body = { name: 'A\u0000', lines: [{ sku: 'MUG' }, { sku: 'CUP\u0000' }], 'x\u0000': 1, note: 'no nul' };
    expect(scanPayload(body).nul).toEqual(['name', 'lines[1].sku', 'x\u0000']);
    expect(scanPayload({ q: ['MUG', 'a\u0000b'] }).nul).toEqual(['q[1]']);
    expect(scanPayload({ name: 'A\u0001\t\n' }).nul).toEqual([]);
  });

  it('finds own keys named like Object.prototype methods, __proto__ and constructor aside', () => {
    const body = JSON.parse('{"lines":[{"valueOf":1}],"toString":1,"__defineGetter__":1,"constructor":1}') as unknown;
    expect(scanPayload(body).shadowing).toEqual(['lines[0].valueOf', 'toString', '__defineGetter__']);
    expect(scanPayload({ q: 'toString' }).shadowing).toEqual([]);
  });

  it('reports a key once: not what its value holds of the same finding, but the other findings in it', () => {
    const body = JSON.parse(
      '{"x\\u0000":{"y":"\\u0000","toString":{"valueOf":1}},"__proto__":{"constructor":1,"z":"\\u0000","hasOwnProperty":1}}',
    ) as unknown;
    expect(scanPayload(body)).toEqual({
      forbidden: ['__proto__'],
      tooDeep: false,
      nul: ['x\u0000', '__proto__.z'],
      shadowing: ['x\u0000.toString', '__proto__.hasOwnProperty'],
    });
  });

  it('stops at the depth the doors accept, under a forbidden key without calling it too deep', () => {
    const deepNul = nested(MAX_PAYLOAD_DEPTH + 2, '\u0000', 'a');
    expect(scanPayload(deepNul)).toMatchObject({ tooDeep: true, nul: [] });
    expect(scanPayload(JSON.parse(`{"__proto__":${JSON.stringify(deepNul)}}`) as unknown).tooDeep).toBe(false);
  });
});

describe('scanBody', () => {
  it('walks a body once, answering the same scan when asked again (the middleware, then the pipe)', () => {
    const body = { lines: [{ sku: 'MUG', toString: 1 }] };
    expect(scanBody(body)).toBe(scanBody(body));
    expect(scanBody(body)).toEqual(scanPayload(body));
    expect(scanBody({ ...body })).not.toBe(scanBody(body));
    expect(scanBody(undefined)).toEqual({ forbidden: [], tooDeep: false, nul: [], shadowing: [] });
  });
});
