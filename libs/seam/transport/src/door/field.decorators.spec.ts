// class-transformer's @Type reads decorator metadata; in an app, @nestjs/core loads this polyfill.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { IsInt, IsString, MaxLength } from 'class-validator';
import { ValidationError } from '../errors/seam-error.js';
import { Nested, Nullable, Optional } from './field.decorators.js';
import { validatePayload } from './validate-payload.js';

class Money {
  @IsInt() amount!: number;
  @IsString() @MaxLength(3) currency!: string;
}

class Product {
  @Nested(() => Money) price!: Money;
  @Optional() @Nested(() => Money) discount?: Money;
  @Optional() @IsString() @MaxLength(20) name?: string;
  @Optional() @Nullable() @IsString() @MaxLength(20) note?: string | null;
  @Optional() @Nested(() => Money, { maxItems: 2 }) history?: Money[];
}

const price = { amount: 100, currency: 'EUR' };

function refusal(value: unknown): Record<string, string[]> {
  let thrown: unknown;
  try {
    validatePayload(Product, value);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ValidationError);
  return Object.fromEntries((thrown as ValidationError).fields.map((field) => [field.path, field.messages]));
}

describe('field decorators', () => {
  describe('Nested', () => {
    it('accepts an object of the class and builds it as an instance', () => {
      const product = validatePayload(Product, { price });
      expect(product.price).toBeInstanceOf(Money);
      expect(product.price).toEqual(price);
    });

    it.each([
      ['an array', []],
      ['an array of valid objects', [price]],
      ['null', null],
      ['a string', 'EUR 1'],
      ['a number', 100],
    ])('refuses %s where an object is declared', (_label, value) => {
      expect(refusal({ price: value })).toEqual({ price: ['price must be an object'] });
    });

    it('refuses a missing required object (plain @ValidateNested skips it)', () => {
      expect(refusal({})).toEqual({ price: ['price must be an object'] });
    });

    it('still validates the nested object, naming its fields', () => {
      expect(refusal({ price: { amount: 1.5, currency: 'EURO' } })).toEqual({
        'price.amount': ['amount must be an integer number'],
        'price.currency': ['currency must be shorter than or equal to 3 characters'],
      });
    });

    it('with maxItems: a list of at most that many objects, each an object of the class', () => {
      expect(validatePayload(Product, { price, history: [price, price] }).history).toEqual([price, price]);
      expect(refusal({ price, history: [price, price, price] })).toEqual({
        history: ['history must contain no more than 2 elements'],
      });
      for (const items of [[[price]], [null], [7], price]) {
        expect(refusal({ price, history: items }).history).toEqual(
          expect.arrayContaining([expect.stringMatching(/^(each value in )?history must be an? (object|array)/)]),
        );
      }
      expect(refusal({ price, history: [{ amount: 'x', currency: 'EUR' }] })).toEqual({
        'history[0].amount': ['amount must be an integer number'],
      });
    });
  });

  describe('Optional', () => {
    it('accepts an absent field, or one present as undefined (an in-process caller may pass it)', () => {
      expect(validatePayload(Product, { price })).toEqual({ price });
      expect(validatePayload(Product, { price, name: undefined, discount: undefined }).price).toEqual(price);
    });

    it('refuses null where the field is not nullable (@IsOptional would let it through)', () => {
      expect(refusal({ price, name: null })).toEqual({
        name: ['name must be shorter than or equal to 20 characters', 'name must be a string'],
      });
      expect(refusal({ price, discount: null })).toEqual({ discount: ['discount must be an object'] });
      expect(Object.keys(refusal({ price, history: null }))).toEqual(['history']);
    });

    it('still validates a present value', () => {
      expect(Object.keys(refusal({ price, discount: [] }))).toEqual(['discount']);
      expect(Object.keys(refusal({ price, name: 'x'.repeat(21) }))).toEqual(['name']);
    });
  });

  describe('Nullable', () => {
    it('accepts null where declared, and checks any other value', () => {
      expect(validatePayload(Product, { price, note: null }).note).toBeNull();
      expect(validatePayload(Product, { price, note: 'fine' }).note).toBe('fine');
      expect(Object.keys(refusal({ price, note: 7 }))).toEqual(['note']);
    });
  });
});
