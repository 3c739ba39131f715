import { describe, expect, it } from '@jest/globals';
import type { DtoClass } from './contract.types.js';
import { contractEntries, contractModule, defineContract, event, request } from './define-contract.js';

class PlaceOrderRequest {}
class PlaceOrderResponse {}
class OrderPlaced {}

/** A DTO slot filled with something that is not a class, as a mistaken contract would. */
const notAClass = (value: unknown) => value as DtoClass;

function ordersContract() {
  return defineContract('orders', {
    placeOrder: request({ pattern: 'orders.place-order', request: PlaceOrderRequest, response: PlaceOrderResponse }),
    getOrder: request({
      pattern: 'orders.get-order',
      request: PlaceOrderRequest,
      response: PlaceOrderResponse,
      idempotent: true,
    }),
    orderPlaced: event({ pattern: 'orders.order.placed', payload: OrderPlaced }),
  });
}

describe('define-contract', () => {
  describe('defineContract', () => {
    it('binds every entry to its module, keeping pattern, DTOs and idempotency', () => {
      const contract = ordersContract();
      expect(contract.placeOrder).toEqual({
        kind: 'request',
        module: 'orders',
        pattern: 'orders.place-order',
        request: PlaceOrderRequest,
        response: PlaceOrderResponse,
        idempotent: false,
      });
      expect(contract.getOrder.idempotent).toBe(true);
      expect(contract.orderPlaced).toEqual({
        kind: 'event',
        module: 'orders',
        pattern: 'orders.order.placed',
        payload: OrderPlaced,
      });
    });

    it('freezes the contract and each entry', () => {
      const contract = ordersContract();
      expect(Object.isFrozen(contract)).toBe(true);
      expect(Object.isFrozen(contract.placeOrder)).toBe(true);
      expect(() => {
        (contract.placeOrder as { pattern: string }).pattern = 'orders.steal-order';
      }).toThrow(TypeError);
      expect(contract.placeOrder.pattern).toBe('orders.place-order');
    });

    it('accepts hyphenated module names, digits and multi-word verbs and nouns', () => {
      const contract = defineContract('order-history2', {
        list: request({
          pattern: 'order-history2.list-past-orders',
          request: PlaceOrderRequest,
          response: PlaceOrderResponse,
        }),
        archived: event({ pattern: 'order-history2.order-entry.archived', payload: OrderPlaced }),
      });
      expect(contractEntries(contract).map((e) => e.pattern)).toEqual([
        'order-history2.list-past-orders',
        'order-history2.order-entry.archived',
      ]);
    });

    it.each([['Orders'], ['order_history'], ['1orders'], ['orders-'], ['order--history'], ['orders.v2'], ['']])(
      'rejects the module name %p, asking for kebab-case',
      (module) => {
        expect(() => defineContract(module, {})).toThrow(`Contract module name "${module}" must be kebab-case`);
      },
    );

    it.each([
      ['a verb without a noun', 'orders.place'],
      ['upper case', 'orders.Place-Order'],
      ['snake case', 'orders.place_order'],
      ['an extra segment', 'orders.order.place-order'],
      ['a trailing hyphen', 'orders.place-'],
      ['no module prefix', 'place-order'],
      ['the wrong module prefix', 'catalog.place-order'],
      ['a longer module name as prefix', 'orders-archive.place-order'],
    ])('rejects a request pattern with %s, naming the entry and <module>.<verb>-<noun>', (_, pattern) => {
      const define = () =>
        defineContract('orders', {
          placeOrder: request({ pattern, request: PlaceOrderRequest, response: PlaceOrderResponse }),
        });
      expect(define).toThrow(`entry "placeOrder" has pattern "${pattern}", expected orders.<verb>-<noun>`);
    });

    it.each([
      ['two segments', 'orders.order-placed'],
      ['four segments', 'orders.order.was.placed'],
      ['upper case', 'orders.Order.placed'],
      ['an empty segment', 'orders..placed'],
      ['the wrong module prefix', 'catalog.order.placed'],
    ])('rejects an event pattern with %s, naming the entry and <module>.<noun>.<past-participle>', (_, pattern) => {
      const define = () => defineContract('orders', { orderPlaced: event({ pattern, payload: OrderPlaced }) });
      expect(define).toThrow(`entry "orderPlaced" has pattern "${pattern}", expected orders.<noun>.<past-participle>`);
    });

    it('rejects two entries with the same pattern, naming both', () => {
      const define = () =>
        defineContract('orders', {
          placeOrder: request({
            pattern: 'orders.place-order',
            request: PlaceOrderRequest,
            response: PlaceOrderResponse,
          }),
          submitOrder: request({
            pattern: 'orders.place-order',
            request: PlaceOrderRequest,
            response: PlaceOrderResponse,
          }),
        });
      expect(define).toThrow('entries "placeOrder" and "submitOrder" both declare "orders.place-order"');
    });

    it.each([
      ['undefined', undefined, 'undefined'],
      ['a plain object', {}, 'object'],
      ['a class name as string', 'PlaceOrderRequest', 'string'],
      ['an arrow function returning the class', () => PlaceOrderRequest, 'arrow function'],
    ])('rejects %s as a request DTO, naming the entry', (_, dto, got) => {
      const define = () =>
        defineContract('orders', {
          placeOrder: request({ pattern: 'orders.place-order', request: notAClass(dto), response: PlaceOrderResponse }),
        });
      expect(define).toThrow(`entry "placeOrder" needs DTO classes, not ${got}/class`);
    });

    it('rejects a missing event payload class, naming the entry', () => {
      const define = () =>
        defineContract('orders', { orderPlaced: event({ pattern: 'orders.order.placed', payload: notAClass(null) }) });
      expect(define).toThrow('entry "orderPlaced" needs DTO classes, not object');
    });
  });

  describe('contractModule', () => {
    it('returns the module a contract was declared for', () => {
      expect(contractModule(ordersContract())).toBe('orders');
      expect(contractModule(defineContract('payments', {}))).toBe('payments');
    });

    it.each([
      ['a plain object', {}],
      ['a hand-made look-alike', { placeOrder: ordersContract().placeOrder }],
      ['a spread copy of a contract', { ...ordersContract() }],
    ])('rejects %s', (_, value) => {
      expect(() => contractModule(value)).toThrow('Not a contract: declare it with defineContract()');
    });
  });

  describe('contractEntries', () => {
    it('lists the entries in declaration order', () => {
      const contract = ordersContract();
      expect(contractEntries(contract)).toEqual([contract.placeOrder, contract.getOrder, contract.orderPlaced]);
    });

    it('rejects a non-contract', () => {
      expect(() => contractEntries({ placeOrder: ordersContract().placeOrder })).toThrow('Not a contract');
    });
  });
});
