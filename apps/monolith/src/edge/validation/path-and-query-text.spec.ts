import { describe, expect, it } from '@jest/globals';
import type { ValidationError as ClassValidatorError } from 'class-validator';
import { ListOrdersQuery, OrderIdParams } from '../orders/orders.dto.js';
import { describeTextErrors, readPathOrQueryText } from './path-and-query-text.js';

const ORDER_ID = '0b7e3c1a-5d2f-4a8e-9c6b-1f2e3d4c5b6a';

describe('readPathOrQueryText', () => {
  it('lower-cases a UUID field, without touching the values it was given', () => {
    const params = { id: ORDER_ID.toUpperCase() };
    expect(readPathOrQueryText(params, OrderIdParams)).toEqual({ id: ORDER_ID });
    expect(params).toEqual({ id: ORDER_ID.toUpperCase() });
  });

  it('reads an integer field only from decimal digits: anything else is NaN', () => {
    for (const text of ['0x10', '1e1', ' 2', '+3', '1.0', '-1', '', '１', '0b11', 'Infinity'])
      expect([text, readPathOrQueryText({ page: text }, ListOrdersQuery)]).toEqual([text, { page: NaN }]);
    expect(readPathOrQueryText({ page: '007', pageSize: '20' }, ListOrdersQuery)).toEqual({
      page: '007',
      pageSize: '20',
    });
  });

  it('answers the values themselves when there is nothing to change, and leaves lists and unknown fields to the pipe', () => {
    const query = { page: '2', extra: 'x0x', pageSize: ['1', '0x2'] };
    expect(readPathOrQueryText(query, ListOrdersQuery)).toBe(query);
    expect(readPathOrQueryText(undefined, ListOrdersQuery)).toBeUndefined();
  });
});

describe('describeTextErrors', () => {
  it('words an integer refusal for text, leaving other messages as they are', () => {
    const errors = [
      { property: 'page', constraints: { isInt: 'page must be an integer number' }, children: [] },
      { property: 'sort', constraints: { whitelistValidation: 'property sort should not exist' }, children: [] },
    ] as unknown as ClassValidatorError[];
    expect(describeTextErrors(errors).map((error) => error.constraints)).toEqual([
      { isInt: 'page must be a whole number in decimal digits (0-9)' },
      { whitelistValidation: 'property sort should not exist' },
    ]);
  });
});
