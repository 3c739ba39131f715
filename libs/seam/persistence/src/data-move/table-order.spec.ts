import { describe, expect, it } from '@jest/globals';
import { DataMoveError } from './data-move.error.js';
import { insertionOrder } from './table-order.js';

describe('insertionOrder', () => {
  it('puts referenced tables first and otherwise keeps the given order', () => {
    expect(
      insertionOrder([
        { name: 'order_line', references: ['orders'] },
        { name: 'audit', references: [] },
        { name: 'orders', references: ['customer'] },
        { name: 'customer', references: [] },
      ]),
    ).toEqual(['audit', 'customer', 'orders', 'order_line']);
  });

  it('ignores self-references and references to tables outside the module', () => {
    expect(insertionOrder([{ name: 'node', references: ['node', 'elsewhere'] }])).toEqual(['node']);
  });

  it('refuses a cycle, naming its tables', () => {
    const cycle = () =>
      insertionOrder([
        { name: 'a', references: ['b'] },
        { name: 'b', references: ['a'] },
        { name: 'c', references: [] },
      ]);
    expect(cycle).toThrow(DataMoveError);
    expect(cycle).toThrow('foreign keys form a cycle between tables a, b: cannot order the copy');
  });
});
