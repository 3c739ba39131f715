import { describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import type { SeamHandlerExtras } from '../../door/seam-extras.js';
import { HandlerTable, moduleOfPattern } from './handler-table.js';

/** A Nest message handler carrying `extras`, as Nest hands it to a server's `addHandler`. */
function handler(extras?: Record<string, unknown>): MessageHandler {
  const fn: MessageHandler = async () => undefined;
  if (extras) fn.extras = extras;
  return fn;
}

const answers = (owner: string): MessageHandler =>
  handler({ seam: { kind: 'request', owner } satisfies SeamHandlerExtras });
const subscribes = (owner: string, subscriber: string): MessageHandler =>
  handler({ seam: { kind: 'event', owner, subscriber } satisfies SeamHandlerExtras });

describe('HandlerTable', () => {
  describe('add', () => {
    it.each([
      ['no extras', handler()],
      ['extras of another library only', handler({ version: 2 })],
    ])('rejects a request handler with %s, naming the pattern and @Handle', (_, bare) => {
      const table = new HandlerTable();
      expect(() => table.add('orders.place-order', bare, false)).toThrow(/"orders\.place-order".*@Handle/);
      expect(table.request('orders.place-order')).toBeUndefined();
    });

    it('rejects an event handler without Seam extras, naming @Subscribe', () => {
      expect(() => new HandlerTable().add('orders.order.placed', handler(), true)).toThrow(/@Subscribe/);
    });

    it('rejects a second request handler for one pattern and keeps the first', () => {
      const table = new HandlerTable();
      const first = answers('orders');
      table.add('orders.place-order', first, false);
      expect(() => table.add('orders.place-order', answers('orders'), false)).toThrow(
        /Two handlers answer "orders\.place-order"/,
      );
      expect(table.request('orders.place-order')).toBe(first);
    });

    it('rejects an event handler without a subscribing module, naming @ContractController', () => {
      const table = new HandlerTable();
      const orphan = handler({ seam: { kind: 'event', owner: 'orders' } satisfies SeamHandlerExtras });
      expect(() => table.add('orders.order.placed', orphan, true)).toThrow(
        /"orders\.order\.placed".*@ContractController/,
      );
      expect(table.subscriptions('orders.order.placed')).toEqual([]);
    });

    it('rejects a module subscribing twice to one pattern, naming both', () => {
      const table = new HandlerTable();
      table.add('orders.order.placed', subscribes('orders', 'billing'), true);
      expect(() => table.add('orders.order.placed', subscribes('orders', 'billing'), true)).toThrow(
        'Module "billing" subscribes to "orders.order.placed" twice',
      );
      expect(table.subscriptions('orders.order.placed')).toHaveLength(1);
    });

    it("refuses a subscription the event's contract does not admit; admits listed and ANY_CALLER subscribers", () => {
      const table = new HandlerTable();
      const listed = (subscribers: string[], subscriber: string) =>
        handler({ seam: { kind: 'event', owner: 'orders', subscriber, subscribers } satisfies SeamHandlerExtras });
      expect(() => table.add('orders.order.placed', listed(['billing'], 'snooper'), true)).toThrow(
        'Module "snooper" subscribes to "orders.order.placed", but its contract does not name it among the event\'s subscribers',
      );
      expect(() => table.add('orders.order.placed', listed([], 'snooper'), true)).toThrow(/does not name it/);
      table.add('orders.order.placed', listed(['billing'], 'billing'), true);
      table.add('orders.order.placed', listed(['*'], 'shipping'), true);
      expect(table.subscriptions('orders.order.placed').map(({ subscriber }) => subscriber)).toEqual([
        'billing',
        'shipping',
      ]);
    });

    it('keeps one subscription per module for one pattern, in registration order', () => {
      const table = new HandlerTable();
      const billing = subscribes('orders', 'billing');
      const shipping = subscribes('orders', 'shipping');
      table.add('orders.order.placed', billing, true);
      table.add('orders.order.placed', shipping, true);
      expect(table.subscriptions('orders.order.placed')).toEqual([
        { subscriber: 'billing', handler: billing },
        { subscriber: 'shipping', handler: shipping },
      ]);
    });

    it('keeps requests and events apart even under the same pattern string', () => {
      const table = new HandlerTable();
      const request = answers('orders');
      table.add('orders.place-order', request, false);
      table.add('orders.place-order', subscribes('orders', 'billing'), true);
      expect(table.request('orders.place-order')).toBe(request);
      expect(table.subscriptions('orders.place-order')).toHaveLength(1);
    });
  });

  describe('request', () => {
    it('gives the handler answering a pattern, or undefined', () => {
      const table = new HandlerTable();
      const placeOrder = answers('orders');
      table.add('orders.place-order', placeOrder, false);
      expect(table.request('orders.place-order')).toBe(placeOrder);
      expect(table.request('orders.cancel-order')).toBeUndefined();
    });
  });

  describe('subscriptions', () => {
    it('is empty for a pattern nobody subscribes to', () => {
      expect(new HandlerTable().subscriptions('orders.order.placed')).toEqual([]);
    });
  });

  describe('requestOwners', () => {
    it('lists each module answering a request once, not the subscribers', () => {
      const table = new HandlerTable();
      table.add('orders.place-order', answers('orders'), false);
      table.add('orders.cancel-order', answers('orders'), false);
      table.add('catalog.find-product', answers('catalog'), false);
      table.add('orders.order.placed', subscribes('orders', 'billing'), true);
      expect(table.requestOwners()).toEqual(new Set(['orders', 'catalog']));
    });

    it('is empty without request handlers', () => {
      expect(new HandlerTable().requestOwners()).toEqual(new Set());
    });
  });

  describe('subscriptionsByModule', () => {
    it('maps each subscribing module to its patterns', () => {
      const table = new HandlerTable();
      table.add('orders.order.placed', subscribes('orders', 'billing'), true);
      table.add('orders.order.placed', subscribes('orders', 'shipping'), true);
      table.add('payments.payment.captured', subscribes('payments', 'shipping'), true);
      table.add('orders.place-order', answers('orders'), false);
      expect(table.subscriptionsByModule()).toEqual(
        new Map([
          ['billing', ['orders.order.placed']],
          ['shipping', ['orders.order.placed', 'payments.payment.captured']],
        ]),
      );
    });
  });

  describe('requestPatterns', () => {
    it('lists the request patterns, and the reserved ones of each module that answers or subscribes, not event patterns', () => {
      const table = new HandlerTable();
      table.add('orders.place-order', answers('orders'), false);
      table.add('orders.order.placed', subscribes('orders', 'billing'), true);
      expect(table.requestPatterns()).toEqual([
        'orders.place-order',
        'orders.$deliver',
        'orders.$subscriptions',
        'billing.$deliver',
        'billing.$subscriptions',
      ]);
    });

    it('lists reserved patterns only for the hosted modules when told which', () => {
      const table = new HandlerTable();
      table.add('orders.place-order', answers('orders'), false);
      table.add('orders.order.placed', subscribes('orders', 'billing'), true);
      expect(table.requestPatterns(new Set(['billing']))).toEqual([
        'orders.place-order',
        'billing.$deliver',
        'billing.$subscriptions',
      ]);
    });
  });

  describe('reserved requests', () => {
    const call = (target: MessageHandler | undefined, data: unknown, context: object = {}) =>
      (target as (d: unknown, c: object) => Promise<unknown>)(data, context);
    const delivery = {
      eventId: 'e-1',
      pattern: 'orders.order.placed',
      aggregateId: 'o-1',
      attempt: 1,
      payload: { orderId: 'o-1' },
    };

    it('answers <module>.$subscriptions with the patterns that module subscribes to', async () => {
      const table = new HandlerTable();
      table.add('orders.order.placed', subscribes('orders', 'billing'), true);
      table.add('orders.order.confirmed', subscribes('orders', 'billing'), true);
      table.add('orders.order.placed', subscribes('orders', 'mailer'), true);
      await expect(call(table.request('billing.$subscriptions'), {})).resolves.toEqual({
        patterns: ['orders.order.placed', 'orders.order.confirmed'],
      });
      await expect(call(table.request('nobody.$subscriptions'), {})).resolves.toEqual({ patterns: [] });
    });

    it('runs only the delivered module’s handler, with the payload, and acknowledges after it finished', async () => {
      const table = new HandlerTable();
      const seen: Array<[string, unknown]> = [];
      const recorder = (name: string): MessageHandler => {
        const fn: MessageHandler = async (payload: unknown) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          seen.push([name, payload]);
        };
        fn.extras = { seam: { kind: 'event', owner: 'orders', subscriber: name } };
        return fn;
      };
      table.add('orders.order.placed', recorder('billing'), true);
      table.add('orders.order.placed', recorder('mailer'), true);
      await expect(call(table.request('billing.$deliver'), delivery)).resolves.toEqual({ handled: true });
      expect(seen).toEqual([['billing', { orderId: 'o-1' }]]);
    });

    it('answers handled: false for an event the module does not subscribe to', async () => {
      const table = new HandlerTable();
      table.add('orders.order.placed', subscribes('orders', 'billing'), true);
      await expect(call(table.request('mailer.$deliver'), delivery)).resolves.toEqual({ handled: false });
      await expect(
        call(table.request('billing.$deliver'), { ...delivery, pattern: 'orders.order.confirmed' }),
      ).resolves.toEqual({ handled: false });
    });

    it('fails the delivery with the handler’s error, so that the relay tries again', async () => {
      const table = new HandlerTable();
      const failing: MessageHandler = async () => {
        throw new Error('disk full');
      };
      failing.extras = { seam: { kind: 'event', owner: 'orders', subscriber: 'billing' } };
      table.add('orders.order.placed', failing, true);
      await expect(call(table.request('billing.$deliver'), delivery)).rejects.toThrow('disk full');
    });

    it.each([
      ['not an object', 'hello'],
      ['no event id', { ...delivery, eventId: '' }],
      ['attempt 0', { ...delivery, attempt: 0 }],
      ['a payload that is not an object', { ...delivery, payload: 7 }],
    ])('refuses a malformed delivery (%s) with a ValidationError', async (_, data) => {
      const table = new HandlerTable();
      table.add('orders.order.placed', subscribes('orders', 'billing'), true);
      await expect(call(table.request('billing.$deliver'), data)).rejects.toMatchObject({ code: 'VALIDATION' });
    });

    it('does not invent handlers for other unknown patterns', () => {
      expect(new HandlerTable().request('orders.$other')).toBeUndefined();
      expect(new HandlerTable().request('$deliver')).toBeUndefined();
    });
  });

  describe('assertHostedOnly', () => {
    function populated(): HandlerTable {
      const table = new HandlerTable();
      table.add('orders.place-order', answers('orders'), false);
      table.add('catalog.find-product', answers('catalog'), false);
      table.add('payments.payment.captured', subscribes('payments', 'orders'), true);
      table.add('payments.payment.captured', subscribes('payments', 'mailer'), true);
      return table;
    }

    it('accepts handlers of hosted modules, including subscriptions to events of modules running elsewhere', () => {
      expect(() => populated().assertHostedOnly(new Set(['orders', 'catalog', 'mailer']), 'Test server')).not.toThrow();
    });

    it('lists every stranger once, whether it answers or subscribes, with the server and what it hosts', () => {
      expect(() => populated().assertHostedOnly(new Set(['orders']), 'Test server')).toThrow(
        'Test server has handlers of module(s) catalog, mailer, which it does not host (hosted: orders)',
      );
    });

    it('says "none" when nothing is hosted', () => {
      expect(() => populated().assertHostedOnly(new Set(), 'Test server')).toThrow(
        'Test server has handlers of module(s) orders, catalog, mailer, which it does not host (hosted: none)',
      );
    });

    it('accepts an empty table whatever is hosted', () => {
      expect(() => new HandlerTable().assertHostedOnly(new Set(), 'Test server')).not.toThrow();
    });
  });
});

describe('handler-table', () => {
  describe('moduleOfPattern', () => {
    it.each([
      ['orders.place-order', 'orders'],
      ['order-history.order.archived', 'order-history'],
      ['no-dot', 'no-dot'],
      ['', ''],
    ])('takes the module of %j', (pattern, module) => {
      expect(moduleOfPattern(pattern)).toBe(module);
    });
  });
});
