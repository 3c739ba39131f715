import { describe, expect, it } from '@jest/globals';
import { ANY_CALLER } from '../contracts/contract.types.js';
import { deliveryEntry, reservedRequest, subscriptionsEntry } from './delivery.entries.js';

describe('reserved entries', () => {
  it("are one frozen object per module and kind: a relay's delivery per event does not make a new one", () => {
    const orders = deliveryEntry('orders');
    expect(deliveryEntry('orders')).toBe(orders);
    expect(subscriptionsEntry('orders')).toBe(subscriptionsEntry('orders'));
    expect(Object.isFrozen(orders)).toBe(true);
    expect(Object.isFrozen(orders.callers)).toBe(true);
    expect(() => {
      (orders as { pattern: string }).pattern = 'orders.changed';
    }).toThrow(TypeError);
  });

  it('name their module, their pattern and who may call them', () => {
    expect(deliveryEntry('identity')).toMatchObject({
      kind: 'request',
      module: 'identity',
      pattern: 'identity.$deliver',
      idempotent: false,
      callers: [ANY_CALLER],
    });
    expect(subscriptionsEntry('identity')).toMatchObject({ pattern: 'identity.$subscriptions', idempotent: true });
    expect(deliveryEntry('catalog')).not.toBe(deliveryEntry('identity'));
    expect(reservedRequest(deliveryEntry('catalog').pattern)).toEqual({ module: 'catalog', kind: 'deliver' });
  });

  it('still answers correct entries past the names it keeps, and keeps the ones it had', () => {
    const orders = deliveryEntry('orders');
    for (let name = 0; name < 1_500; name++) expect(deliveryEntry(`m${name}`).pattern).toBe(`m${name}.$deliver`);
    expect(deliveryEntry('orders')).toBe(orders);
    expect(deliveryEntry('m1499')).toMatchObject({ module: 'm1499', pattern: 'm1499.$deliver' });
  });
});
