import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@seam/transport';
import { assertQuantityPerProduct } from './quantity-per-product.js';

function refusal(lines: { sku: string; quantity: number }[]): unknown {
  try {
    assertQuantityPerProduct(lines);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('quantity-per-product', () => {
  describe('assertQuantityPerProduct', () => {
    it('lets through up to 100 of a product, on one line or several', () => {
      expect(refusal([{ sku: 'MUG-1', quantity: 100 }])).toBeUndefined();
      const split = [
        { sku: 'MUG-1', quantity: 60 },
        { sku: 'TEE-1', quantity: 100 },
        { sku: 'MUG-1', quantity: 40 },
      ];
      expect(refusal(split)).toBeUndefined();
    });

    it('refuses lines of one sku adding up to more than 100, at the line that goes over, naming the sku', () => {
      const lines = Array.from({ length: 20 }, () => ({ sku: 'MUG-1', quantity: 100 }));
      const error = refusal(lines);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({
        message: 'Invalid PlaceOrder',
        fields: [
          {
            path: 'lines[1].quantity',
            messages: ['quantity of MUG-1 must not be greater than 100 in all: its lines add up to 2000'],
          },
        ],
      });
    });

    it('reports each offending sku once, in the order of the lines', () => {
      const lines = [
        { sku: 'TEE-1', quantity: 70 },
        { sku: 'MUG-1', quantity: 100 },
        { sku: 'CAP-1', quantity: 1 },
        { sku: 'MUG-1', quantity: 1 },
        { sku: 'TEE-1', quantity: 31 },
        { sku: 'MUG-1', quantity: 5 },
      ];
      expect((refusal(lines) as ValidationError).fields).toEqual([
        {
          path: 'lines[3].quantity',
          messages: ['quantity of MUG-1 must not be greater than 100 in all: its lines add up to 106'],
        },
        {
          path: 'lines[4].quantity',
          messages: ['quantity of TEE-1 must not be greater than 100 in all: its lines add up to 101'],
        },
      ]);
    });
  });
});
