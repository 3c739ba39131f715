import { describe, expect, it } from '@jest/globals';
import type { DtoClass } from './contract.types.js';
import { contractEntries, contractModule, defineContract, event, request } from './define-contract.js';

class PlaceOrderRequest {}
class PlaceOrderResponse {}
class OrderPlaced {}
class OrderRefRequest {
  customerId?: string;
}

/** A DTO slot filled with something that is not a class, as a mistaken contract would. */
const notAClass = (value: unknown) => value as DtoClass;

function ordersContract() {
  return defineContract('orders', {
    placeOrder: request({
      pattern: 'orders.place-order',
      callers: ['edge'],
      request: PlaceOrderRequest,
      response: PlaceOrderResponse,
    }),
    getOrder: request({
      pattern: 'orders.get-order',
      callers: ['edge'],
      request: PlaceOrderRequest,
      response: PlaceOrderResponse,
      idempotent: true,
    }),
    orderPlaced: event({ pattern: 'orders.order.placed', subscribers: ['billing'], payload: OrderPlaced }),
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
        callers: ['edge'],
      });
      expect(contract.getOrder.idempotent).toBe(true);
      expect(contract.orderPlaced).toEqual({
        kind: 'event',
        module: 'orders',
        pattern: 'orders.order.placed',
        payload: OrderPlaced,
        subscribers: ['billing'],
      });
    });

    it('keeps who may call "as the system", and freezes every allow-list', () => {
      const callers = ['edge', 'orders'];
      const contract = defineContract('orders', {
        getOrder: request({
          pattern: 'orders.get-order',
          callers,
          onBehalfOf: 'customerId',
          systemCallers: ['orders'],
          request: OrderRefRequest,
          response: PlaceOrderResponse,
        }),
      });
      callers.push('intruder');
      expect(contract.getOrder).toMatchObject({
        callers: ['edge', 'orders'],
        onBehalfOf: 'customerId',
        systemCallers: ['orders'],
      });
      expect(Object.isFrozen(contract.getOrder.callers)).toBe(true);
      expect(Object.isFrozen(contract.getOrder.systemCallers)).toBe(true);
    });

    it.each([
      ['an empty callers list', { callers: [] }],
      ['a missing callers list (plain JavaScript)', { callers: undefined }],
      ['a callers string instead of a list', { callers: 'edge' }],
      ['the wildcard next to names', { callers: ['*', 'edge'] }],
      ['"unknown", the name of a nameless caller', { callers: ['unknown'] }],
      ['an upper-case name', { callers: ['Orders'] }],
      ['a non-string name', { callers: [42] }],
      ['a malformed systemCallers list', { callers: ['edge'], systemCallers: 'orders' }],
    ])('rejects a request with %s', (_, lists) => {
      const define = () =>
        defineContract('orders', {
          placeOrder: request({
            pattern: 'orders.place-order',
            request: PlaceOrderRequest,
            response: PlaceOrderResponse,
            ...(lists as { callers: string[] }),
          }),
        });
      expect(define).toThrow(/entry "placeOrder" needs (callers|systemCallers) as a list/);
    });

    it('accepts the wildcard alone, and an event nobody may subscribe to yet', () => {
      const contract = defineContract('orders', {
        placeOrder: request({
          pattern: 'orders.place-order',
          callers: ['*'],
          request: PlaceOrderRequest,
          response: PlaceOrderResponse,
        }),
        orderPlaced: event({ pattern: 'orders.order.placed', subscribers: [], payload: OrderPlaced }),
      });
      expect(contract.placeOrder.callers).toEqual(['*']);
      expect(contract.orderPlaced.subscribers).toEqual([]);
    });

    it('rejects an event without a subscribers list', () => {
      const define = () =>
        defineContract('orders', {
          orderPlaced: event({ pattern: 'orders.order.placed', payload: OrderPlaced } as never),
        });
      expect(define).toThrow('entry "orderPlaced" needs subscribers as a list');
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
          callers: ['edge'],
          request: PlaceOrderRequest,
          response: PlaceOrderResponse,
        }),
        archived: event({
          pattern: 'order-history2.order-entry.archived',
          subscribers: ['billing'],
          payload: OrderPlaced,
        }),
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
          placeOrder: request({ pattern, callers: ['edge'], request: PlaceOrderRequest, response: PlaceOrderResponse }),
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
      const define = () =>
        defineContract('orders', { orderPlaced: event({ pattern, subscribers: [], payload: OrderPlaced }) });
      expect(define).toThrow(`entry "orderPlaced" has pattern "${pattern}", expected orders.<noun>.<past-participle>`);
    });

    it('rejects two entries with the same pattern, naming both', () => {
      const define = () =>
        defineContract('orders', {
          placeOrder: request({
            pattern: 'orders.place-order',
            callers: ['edge'],
            request: PlaceOrderRequest,
            response: PlaceOrderResponse,
          }),
          submitOrder: request({
            pattern: 'orders.place-order',
            callers: ['edge'],
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
          placeOrder: request({
            pattern: 'orders.place-order',
            callers: ['edge'],
            request: notAClass(dto),
            response: PlaceOrderResponse,
          }),
        });
      expect(define).toThrow(`entry "placeOrder" needs DTO classes, not ${got}/class`);
    });

    it('rejects a missing event payload class, naming the entry', () => {
      const define = () =>
        defineContract('orders', {
          orderPlaced: event({ pattern: 'orders.order.placed', subscribers: ['billing'], payload: notAClass(null) }),
        });
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
