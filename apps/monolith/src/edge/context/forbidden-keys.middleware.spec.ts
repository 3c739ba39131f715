import { describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { ValidationError } from '@seam/transport';
import { PlaceOrderRequest } from '../orders/orders.dto.js';
import { EdgeValidationPipe } from '../validation/edge-validation.pipe.js';
import type { EdgeRequest } from './edge-request.js';
import { ForbiddenKeysMiddleware } from './forbidden-keys.middleware.js';

/** The paths the middleware refuses in `request` (empty when it lets the request through). */
function paths(request: Partial<EdgeRequest>): string[] {
  let passed = false;
  let refusal: unknown;
  try {
    new ForbiddenKeysMiddleware().use(request as EdgeRequest, {} as ServerResponse, () => (passed = true));
  } catch (error) {
    refusal = error;
  }
  expect(passed || refusal instanceof ValidationError).toBe(true);
  return refusal instanceof ValidationError ? refusal.fields.map((field) => field.path) : [];
}

describe('ForbiddenKeysMiddleware', () => {
  describe('use', () => {
    it('lets an ordinary body and query through', () => {
      expect(paths({ body: { lines: [{ sku: 'A', quantity: 1 }] }, query: { page: '1' } })).toEqual([]);
      expect(paths({})).toEqual([]);
    });

    it('refuses __proto__, constructor and prototype keys at any depth, as JSON.parse makes them', () => {
      const body = JSON.parse(
        '{"__proto__":{"admin":true},"lines":[{"sku":"A","constructor":{"prototype":{}}}]}',
      ) as unknown;
      expect(paths({ body })).toEqual(['__proto__', 'lines[0].constructor']);
    });

    it('refuses them in the query string too, as Express parses it', () => {
      expect(paths({ query: parse('page=1&__proto__=x') })).toEqual(['__proto__']);
    });

    it('refuses U+0000 in any string of the body or the query, keys included, naming each field', () => {
      const body = { name: 'A\u0000', lines: [{ sku: 'MUG' }, { sku: 'CUP\u0000' }], 'x\u0000': 1, note: 'no nul' };
      expect(paths({ body })).toEqual(['name', 'lines[1].sku', 'x\u0000']);
      expect(paths({ query: parse('q=%00&page=1') })).toEqual(['q']);
      expect(paths({ query: parse('q=MUG&q=a%00b') })).toEqual(['q[1]']);
      // Other control characters are text like any other: fields judge them.
      expect(paths({ body: { name: 'A\u0001\t\n' }, query: parse('q=%01') })).toEqual([]);
    });

    it('answers at most 20 of them, however many the body holds', () => {
      const body = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`field${index}`, '\u0000']));
      expect(paths({ body })).toHaveLength(20);
    });

    it('refuses a body nested deeper than the doors accept', () => {
      let deep: unknown = {};
      for (let level = 0; level < 70; level++) deep = { next: deep };
      expect(paths({ body: deep })).toEqual(['']);
    });

    it('walks the body once, for its own checks and for those of the validation pipe', async () => {
      let walks = 0;
      // Every walk lists the keys of each object it visits: this one counts how often it is listed.
      const line = new Proxy({ sku: 'MUG', quantity: 1 }, { ownKeys: (target) => (walks++, Reflect.ownKeys(target)) });
      const body = { lines: [line], cardNumber: '4242424242424242', toString: 1 };
      expect(paths({ body })).toEqual([]);
      const refusal = await new EdgeValidationPipe()
        .transform(body, { type: 'body', metatype: PlaceOrderRequest })
        .catch((error: unknown) => error);
      expect((refusal as ValidationError).fields).toEqual([
        { path: 'toString', messages: ['property toString should not exist'] },
      ]);
      expect(walks).toBe(1);
    });
  });
});
