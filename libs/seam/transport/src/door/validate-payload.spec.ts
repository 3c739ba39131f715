// class-transformer's @Type reads decorator metadata; in an app, @nestjs/core loads this polyfill.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { ValidationError } from '../errors/seam-error.js';
import { invalidPayload, MAX_REPORTED_VIOLATIONS, validatePayload } from './validate-payload.js';

class Line {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

class PlaceOrder {
  @IsString()
  @Length(1, 40)
  customerId!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Line)
  lines!: Line[];

  @IsOptional()
  @IsString()
  note?: string;
}

class Ping {}

const valid = {
  customerId: 'c-1',
  lines: [
    { sku: 'A', quantity: 1 },
    { sku: 'B', quantity: 2 },
  ],
};

function rejection(dto: new () => object, value: unknown): ValidationError {
  let thrown: unknown;
  try {
    validatePayload(dto, value);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ValidationError);
  return thrown as ValidationError;
}

function pathsOf(dto: new () => object, value: unknown): string[] {
  return rejection(dto, value).fields.map((field) => field.path);
}

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('validate-payload', () => {
  describe('validatePayload', () => {
    it('returns the payload as an instance of the DTO, nested DTOs included', () => {
      const order = validatePayload(PlaceOrder, structuredClone(valid));
      expect(order).toBeInstanceOf(PlaceOrder);
      expect(order.lines[1]).toBeInstanceOf(Line);
      expect(order).toEqual(
        Object.assign(new PlaceOrder(), { ...valid, lines: valid.lines.map((l) => Object.assign(new Line(), l)) }),
      );
    });

    it('names an unknown field, at the top and inside nested DTOs', () => {
      const error = rejection(PlaceOrder, { ...valid, extra: 1, lines: [{ sku: 'A', quantity: 1, colour: 'red' }] });
      expect(error.fields).toEqual(
        expect.arrayContaining([
          { path: 'extra', messages: ['property extra should not exist'] },
          { path: 'lines[0].colour', messages: ['property colour should not exist'] },
        ]),
      );
      expect(error.message).toBe('Invalid PlaceOrder');
    });

    it('names fields of the wrong type', () => {
      expect(pathsOf(PlaceOrder, { customerId: 5, lines: 'A' }).toSorted()).toEqual(['customerId', 'lines']);
    });

    it('names missing fields, but not missing optional ones', () => {
      expect(pathsOf(PlaceOrder, {}).toSorted()).toEqual(['customerId', 'lines']);
    });

    it('names a nested field by its full path', () => {
      const error = rejection(PlaceOrder, {
        ...valid,
        lines: [
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 0 },
        ],
      });
      expect(error.fields).toEqual([{ path: 'lines[1].quantity', messages: ['quantity must not be less than 1'] }]);
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['an array', [valid]],
      ['a string', '{}'],
      ['a number', 42],
      ['a boolean', true],
    ])('rejects %s as not an object', (_, value) => {
      const error = rejection(PlaceOrder, value);
      expect(error.fields).toEqual([{ path: '', messages: ['must be an object'] }]);
    });

    it.each([
      ['__proto__ at the top', '{"customerId":"c","lines":[],"__proto__":{"polluted":true}}', ['__proto__']],
      [
        'constructor in a nested line',
        '{"customerId":"c","lines":[{"sku":"A","quantity":1},{"constructor":{"prototype":{"polluted":true}}}]}',
        ['lines[1].constructor'],
      ],
      [
        'prototype deep inside',
        '{"customerId":"c","lines":[],"note":{"a":{"prototype":{"polluted":true}}}}',
        ['note.a.prototype'],
      ],
      [
        'several at once',
        '{"__proto__":{"polluted":true},"lines":[{"__proto__":{"polluted":true}}]}',
        ['__proto__', 'lines[0].__proto__'],
      ],
    ])('rejects %s as a forbidden key and pollutes nothing', (_, json, paths) => {
      const error = rejection(PlaceOrder, JSON.parse(json));
      expect(error.fields.map((f) => f.path)).toEqual(paths);
      expect(error.fields[0]!.messages[0]).toMatch(/is a forbidden key$/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(Object.getPrototypeOf(new Line())).toBe(Line.prototype);
    });

    it('rejects nesting deeper than 64 levels before walking it all', () => {
      const error = rejection(PlaceOrder, { ...valid, note: nested(100_000) });
      expect(error.fields).toEqual([{ path: '', messages: ['must not be nested deeper than 64 levels'] }]);
    });

    it('draws the depth line at 64 levels, the payload itself counting as one', () => {
      expect(pathsOf(PlaceOrder, { ...valid, note: nested(63) })).toEqual(['note']);
      expect(rejection(PlaceOrder, { ...valid, note: nested(64) }).message).toBe(
        'PlaceOrder is nested deeper than 64 levels',
      );
    });

    it('accepts {} for a DTO without fields, as an instance of it', () => {
      expect(validatePayload(Ping, {})).toBeInstanceOf(Ping);
    });

    it('rejects any field for a DTO without fields', () => {
      const error = rejection(Ping, { x: 1, y: 2 });
      expect(error.fields).toEqual([
        { path: 'x', messages: ['property x should not exist'] },
        { path: 'y', messages: ['property y should not exist'] },
      ]);
    });

    it('rejects forbidden keys and non-objects for a DTO without fields too', () => {
      expect(pathsOf(Ping, JSON.parse('{"__proto__":{"polluted":true}}'))).toEqual(['__proto__']);
      expect(pathsOf(Ping, [])).toEqual(['']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('lists at most 20 offending fields however many there are, and says how many it found', () => {
      const lines = Array.from({ length: 500 }, () => ({ sku: 7, quantity: 0 }));
      const error = rejection(PlaceOrder, { customerId: 'c-1', lines });
      expect(error.fields).toHaveLength(MAX_REPORTED_VIOLATIONS);
      expect(error.fields[0]).toEqual({ path: 'lines[0].sku', messages: ['sku must be a string'] });
      expect(error.message).toBe('Invalid PlaceOrder (20 of 1000 invalid fields listed)');
      expect(JSON.stringify(error.fields).length).toBeLessThan(2_000);
    });

    it('caps unknown and forbidden keys the same way, and cuts a key as long as the body', () => {
      const unknown = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`extra${i}`, i]));
      expect(rejection(PlaceOrder, { ...valid, ...unknown }).fields).toHaveLength(MAX_REPORTED_VIOLATIONS);
      expect(rejection(Ping, unknown).fields).toHaveLength(MAX_REPORTED_VIOLATIONS);
      const forbidden = `[${Array.from({ length: 100 }, () => '{"__proto__":{}}').join(',')}]`;
      expect(rejection(PlaceOrder, { ...valid, lines: JSON.parse(forbidden) }).fields).toHaveLength(20);
      const longKey = 'k'.repeat(100_000);
      const [field] = rejection(Ping, { [longKey]: 1 }).fields;
      expect(field!.path.length).toBeLessThanOrEqual(200);
      expect(field!.messages[0]!.length).toBeLessThanOrEqual(200);
    });

    it('leaves a short error exactly as it was found', () => {
      const error = rejection(PlaceOrder, { customerId: 'c-1', lines: [{ sku: 'A', quantity: 0 }] });
      expect(error.message).toBe('Invalid PlaceOrder');
      expect(error.fields).toEqual([{ path: 'lines[0].quantity', messages: ['quantity must not be less than 1'] }]);
    });
  });

  describe('invalidPayload', () => {
    it('keeps at most 5 messages per field, each at most 200 characters', () => {
      const error = invalidPayload('Invalid X', [
        { path: 'a', messages: Array.from({ length: 9 }, () => 'm'.repeat(500)) },
      ]);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.fields[0]!.messages).toHaveLength(5);
      expect(error.fields[0]!.messages.every((message) => message.length === 200 && message.endsWith('…'))).toBe(true);
    });
  });
});
