import { describe, expect, it } from '@jest/globals';
import { shadowsMethods } from './shadowed-methods.js';

class Line {
  sku = '';
  describe(): string {
    return this.sku;
  }

  get label(): string {
    return `line ${this.sku}`;
  }
}

class Order {
  lines: Line[] = [];
}

const line = (fields: Record<string, unknown>) => Object.assign(new Line(), fields);

describe('shadowsMethods', () => {
  it('finds no shadow in fields, nested instances, arrays and plain values', () => {
    expect(shadowsMethods(Object.assign(new Order(), { lines: [line({ sku: 'A' })] }))).toBe(false);
    expect(shadowsMethods({ tags: ['a', 'b'], price: { amount: 1 } })).toBe(false);
    expect(shadowsMethods('text')).toBe(false);
    expect(shadowsMethods(null)).toBe(false);
  });

  it('finds an own key named like a method of Object.prototype, at any depth', () => {
    expect(shadowsMethods({ isPrototypeOf: 'x' })).toBe(true);
    expect(shadowsMethods({ price: { hasOwnProperty: 1 } })).toBe(true);
    expect(shadowsMethods(Object.assign(new Order(), { lines: [line({ toString: 'x' })] }))).toBe(true);
  });

  it("finds an own key named like the class's own method or read-only accessor", () => {
    expect(shadowsMethods(line({ describe: 'x' }))).toBe(true);
    const labelled = Object.defineProperty(new Line(), 'label', { value: 'x', enumerable: true });
    expect(shadowsMethods(labelled)).toBe(true);
    expect(shadowsMethods({ describe: 'x', label: 'y' })).toBe(false);
  });

  it('takes an object without a prototype as plain fields', () => {
    expect(shadowsMethods(Object.assign(Object.create(null) as object, { isPrototypeOf: 'x' }))).toBe(false);
  });
});
