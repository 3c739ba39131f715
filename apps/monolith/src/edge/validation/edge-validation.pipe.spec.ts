import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { ValidationError } from '@seam/transport';
import { LoginRequest, RegisterRequest } from '../auth/auth.dto.js';
import { OrderIdParams, OrderLineRequest, PlaceOrderRequest } from '../orders/orders.dto.js';
import {
  CreateProductRequest,
  ListProductsQuery,
  SetStockRequest,
  SkuParams,
  UpdateProductRequest,
} from '../products/products.dto.js';
import { EdgeValidationPipe } from './edge-validation.pipe.js';

const pipe = new EdgeValidationPipe();
const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });
const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype });

/** The field paths of the ValidationError the pipe throws for `value`. */
async function refusedPaths(value: unknown, metadata: ArgumentMetadata): Promise<string[]> {
  const error = await pipe.transform(value, metadata).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields.map((field) => field.path);
}

describe('EdgeValidationPipe', () => {
  describe('transform', () => {
    it('answers a valid body as an instance of its DTO', async () => {
      const order = await pipe.transform(
        { lines: [{ sku: 'MUG', quantity: 2 }], cardNumber: '4242424242424242' },
        body(PlaceOrderRequest),
      );
      expect(order).toBeInstanceOf(PlaceOrderRequest);
      expect(order).toEqual({ lines: [{ sku: 'MUG', quantity: 2 }], cardNumber: '4242424242424242' });
    });

    it('refuses unknown fields at any depth instead of stripping them (no customerId in an order)', async () => {
      const order = {
        customerId: 'someone-else',
        lines: [{ sku: 'MUG', quantity: 1, discount: 100 }],
        cardNumber: '4242424242424242',
      };
      expect(await refusedPaths(order, body(PlaceOrderRequest))).toEqual(['customerId', 'lines[0].discount']);
    });

    it('refuses unknown keys named like Object.prototype methods too, which the pipe alone dropped in silence', async () => {
      const order = JSON.parse(
        '{"lines":[{"sku":"MUG","quantity":1,"valueOf":1}],"cardNumber":"4242424242424242","toString":1,"__defineGetter__":1}',
      ) as unknown;
      expect(await refusedPaths(order, body(PlaceOrderRequest))).toEqual([
        'lines[0].valueOf',
        'toString',
        '__defineGetter__',
      ]);
      expect(await refusedPaths({ hasOwnProperty: '1' }, query(ListProductsQuery))).toEqual(['hasOwnProperty']);
      expect(await refusedPaths({ isPrototypeOf: '1' }, query(ListProductsQuery))).toEqual(['isPrototypeOf']);
      // As values they are text like any other.
      await expect(pipe.transform({ q: 'toString' }, query(ListProductsQuery))).resolves.toEqual({ q: 'toString' });
    });

    it('refuses wrong types in a body, naming nested paths; a JSON body is never converted', async () => {
      const order = {
        lines: [
          { sku: 'MUG', quantity: 1 },
          { sku: 7, quantity: '2' },
        ],
        cardNumber: 4242424242424242,
      };
      expect(await refusedPaths(order, body(PlaceOrderRequest))).toEqual([
        'lines[1].sku',
        'lines[1].quantity',
        'cardNumber',
      ]);
      expect(await refusedPaths({ available: '5' }, body(SetStockRequest))).toEqual(['available']);
      expect(
        await refusedPaths(
          { sku: 'A', name: 'A', price: { amount: 9.99, currency: 'EUR' } },
          body(CreateProductRequest),
        ),
      ).toEqual(['price.amount']);
    });

    it('refuses a missing body or one that is not an object', async () => {
      expect(await refusedPaths(undefined, body(LoginRequest))).toEqual(['email', 'password']);
      expect(await refusedPaths(['ada@example.com'], body(LoginRequest))).not.toEqual([]);
      expect(await refusedPaths('text', body(RegisterRequest))).not.toEqual([]);
    });

    it('converts query values to the declared types, and refuses what does not convert', async () => {
      await expect(pipe.transform({ page: '2', pageSize: '10', q: 'mug' }, query(ListProductsQuery))).resolves.toEqual({
        page: 2,
        pageSize: 10,
        q: 'mug',
      });
      expect(await refusedPaths({ page: 'two' }, query(ListProductsQuery))).toEqual(['page']);
      expect(await refusedPaths({ page: '1.5', sort: 'price' }, query(ListProductsQuery))).toEqual(['sort', 'page']);
    });

    it('refuses a query or path value that cannot be converted at all (an object whose toString is no function)', async () => {
      // Found by the DTO fuzzer: implicit conversion calls String()/Number() on the value, which
      // throws a TypeError for such an object; it must be a typed refusal, not a 500.
      expect(await refusedPaths({ sku: { toString: 1 } }, { type: 'param', metatype: SkuParams })).toEqual(['sku']);
      expect(await refusedPaths({ page: { valueOf: 'x', toString: 'y' } }, query(ListProductsQuery))).toEqual(['page']);
    });

    it('checks path parameters (an order id is a UUID)', async () => {
      expect(await refusedPaths({ id: '42' }, { type: 'param', metatype: OrderIdParams })).toEqual(['id']);
    });

    it('reads a UUID in upper or mixed case as the same UUID, in lower case', async () => {
      const id = '0B7E3C1A-5d2f-4A8E-9C6B-1F2E3D4C5B6A';
      await expect(pipe.transform({ id }, { type: 'param', metatype: OrderIdParams })).resolves.toEqual({
        id: id.toLowerCase(),
      });
    });

    it('reads an integer of a query from decimal digits only, refused with every other field', async () => {
      for (const page of ['0x10', '1e1', ' 2', '+3', '1.0', '-1', '']) {
        const error = await pipe.transform({ page, sort: 'price' }, query(ListProductsQuery)).catch((e: unknown) => e);
        expect([page, (error as ValidationError).fields]).toEqual([
          page,
          [
            { path: 'sort', messages: ['property sort should not exist'] },
            { path: 'page', messages: ['page must be a whole number in decimal digits (0-9)'] },
          ],
        ]);
      }
      await expect(pipe.transform({ page: '007' }, query(ListProductsQuery))).resolves.toEqual({ page: 7 });
    });

    it('leaves custom parameters (the principal) alone', async () => {
      const principal = { userId: 'u', email: 'e', roles: [] };
      await expect(pipe.transform(principal, { type: 'custom', metatype: Object })).resolves.toBe(principal);
    });

    it('refuses a nested object that is an array, null or missing (each a 500 once the database saw it)', async () => {
      const product = { sku: 'MUG', name: 'Mug' };
      for (const price of [[], [{ amount: 1, currency: 'EUR' }], null, undefined]) {
        expect(await refusedPaths({ ...product, price }, body(CreateProductRequest))).toEqual(['price']);
      }
      expect(await refusedPaths({ price: [] }, body(UpdateProductRequest))).toEqual(['price']);
    });

    it('takes an optional field as absent or valid: null is neither', async () => {
      expect(await pipe.transform({}, body(UpdateProductRequest))).toEqual({});
      expect(await refusedPaths({ name: null }, body(UpdateProductRequest))).toEqual(['name']);
      expect(await refusedPaths({ description: null, price: null }, body(UpdateProductRequest))).toEqual([
        'description',
        'price',
      ]);
    });

    it('refuses more than 20 order lines, and lists at most 20 offending fields with their count', async () => {
      const lines = Array.from({ length: 400 }, () => ({ sku: 7, quantity: 'x' }));
      const error = await pipe.transform({ lines, cardNumber: '4242424242424242' }, body(PlaceOrderRequest)).then(
        () => undefined,
        (caught: unknown) => caught as ValidationError,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error!.fields).toHaveLength(20);
      expect(error!.fields[0]).toEqual({ path: 'lines', messages: ['lines must contain no more than 20 elements'] });
      expect(error!.message).toBe('Invalid request body (20 of 801 invalid fields listed)');
    });
  });

  describe("transform without Nest's ValidationPipe", () => {
    const nestPipe = jest.spyOn(ValidationPipe.prototype, 'transform');
    beforeEach(() => {
      nestPipe.mockClear();
    });
    const ORDER_ID = '0b7e3c1a-5d2f-4a8e-9c6b-1f2e3d4c5b6a';

    it('answers a body the compiled validator accepts as the same instances, nested DTOs included', async () => {
      const order = (await pipe.transform(
        { lines: [{ sku: 'MUG', quantity: 2 }], cardNumber: '4242424242424242' },
        body(PlaceOrderRequest),
      )) as PlaceOrderRequest;
      expect(nestPipe).not.toHaveBeenCalled();
      expect(order).toBeInstanceOf(PlaceOrderRequest);
      expect(order.lines[0]).toBeInstanceOf(OrderLineRequest);
      expect(order).toEqual({ lines: [{ sku: 'MUG', quantity: 2 }], cardNumber: '4242424242424242' });
    });

    it('answers path text for string fields without converting it', async () => {
      const params = await pipe.transform({ id: ORDER_ID }, { type: 'param', metatype: OrderIdParams });
      expect(nestPipe).not.toHaveBeenCalled();
      expect(params).toBeInstanceOf(OrderIdParams);
      expect(params).toEqual({ id: ORDER_ID });
    });

    it('leaves to the pipe what needs converting (numbers in a query) and every refusal', async () => {
      await expect(pipe.transform({ page: '2' }, query(ListProductsQuery))).resolves.toEqual({ page: 2 });
      expect(nestPipe).toHaveBeenCalledTimes(1);
      expect(await refusedPaths({ id: ORDER_ID, extra: 'x' }, { type: 'param', metatype: OrderIdParams })).toEqual([
        'extra',
      ]);
      expect(await refusedPaths({ email: 'ada@example.com' }, body(LoginRequest))).toEqual(['password']);
      expect(nestPipe).toHaveBeenCalledTimes(3);
    });

    it('leaves to the pipe a body with a forbidden key, whatever the validator would say', async () => {
      const sneaky = JSON.parse('{"email":"ada@example.com","password":"long enough secret","__proto__":{"x":1}}');
      await pipe.transform(sneaky, body(LoginRequest)).catch(() => undefined);
      expect(nestPipe).toHaveBeenCalledTimes(1);
    });
  });
});
