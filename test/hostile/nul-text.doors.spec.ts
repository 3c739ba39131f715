// class-transformer's @Type reads decorator metadata; in an app, @nestjs/core loads this polyfill.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { CreateProduct, ListProducts, UpdateProduct } from '@contracts/catalog';
import { RegisterUser } from '@contracts/identity';
import { ValidationError } from '@seam/transport';
import { validatePayload, validateWithClassValidator } from '../../libs/seam/transport/src/door/validate-payload.js';

type Dto = new () => object;

const PRICE = { amount: 250, currency: 'EUR' };

/**
 * The free-text fields that reach PostgreSQL as text, at their module's door: U+0000 is refused
 * there too, for callers that do not come through the HTTP edge (other modules, Redis, TCP).
 */
const CASES: Array<{ label: string; dto: Dto; valid: Record<string, unknown>; field: string }> = [
  { label: 'catalog.ListProducts', dto: ListProducts, valid: { q: 'mug' }, field: 'q' },
  {
    label: 'catalog.CreateProduct',
    dto: CreateProduct,
    valid: { sku: 'MUG', name: 'Mug', description: 'Enamel', price: PRICE, active: true },
    field: 'name',
  },
  {
    label: 'catalog.CreateProduct',
    dto: CreateProduct,
    valid: { sku: 'MUG', name: 'Mug', description: 'Enamel', price: PRICE, active: true },
    field: 'description',
  },
  { label: 'catalog.UpdateProduct', dto: UpdateProduct, valid: { sku: 'MUG', name: 'Mug' }, field: 'name' },
  { label: 'catalog.UpdateProduct', dto: UpdateProduct, valid: { sku: 'MUG', description: 'x' }, field: 'description' },
  {
    label: 'identity.RegisterUser',
    dto: RegisterUser,
    valid: { email: 'ada@example.com', password: 'a long password', name: 'Ada' },
    field: 'name',
  },
];

/** The paths a door refuses `payload` at (empty when it accepts it); anything but a ValidationError is thrown on. */
function refusedPaths(validate: typeof validatePayload, dto: Dto, payload: unknown): string[] {
  try {
    validate(dto, payload);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.fields.map((field) => field.path);
  }
}

describe('module doors: U+0000 in free text', () => {
  it.each(CASES)('$label refuses it in $field, compiled and through class-validator alike', ({ dto, valid, field }) => {
    for (const validate of [validatePayload, validateWithClassValidator]) {
      expect(refusedPaths(validate, dto, valid)).toEqual([]);
      expect(refusedPaths(validate, dto, { ...valid, [field]: `A\u0000B` })).toEqual([field]);
      expect(refusedPaths(validate, dto, { ...valid, [field]: `AB\u0001` })).toEqual([]);
    }
  });
});
