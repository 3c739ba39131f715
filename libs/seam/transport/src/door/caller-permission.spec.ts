import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../errors/error-codes.js';
import { PermissionDeniedError } from '../errors/seam-error.js';
import { assertCallerAllowed, assertPublisherAllowed, type EntryAccess } from './caller-permission.js';

const ordersOnly: EntryAccess = { callers: ['orders'] };
const onBehalf: EntryAccess = { callers: ['edge', 'orders'], onBehalfOf: 'customerId', systemCallers: ['orders'] };

function refusal(run: () => void): PermissionDeniedError {
  try {
    run();
  } catch (error) {
    return error as PermissionDeniedError;
  }
  throw new Error('expected a refusal');
}

describe('caller-permission', () => {
  describe('assertCallerAllowed', () => {
    it('admits a listed caller and refuses anyone else, naming only the caller and the pattern', () => {
      expect(() => assertCallerAllowed('payments.refund-payment', 'payments', ordersOnly, 'orders', {})).not.toThrow();
      const error = refusal(() => assertCallerAllowed('payments.refund-payment', 'payments', ordersOnly, 'edge', {}));
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect(error.toJSON()).toEqual({
        code: ErrorCode.PermissionDenied,
        message: '"edge" may not call "payments.refund-payment"',
        details: { caller: 'edge', pattern: 'payments.refund-payment' },
      });
      expect(JSON.stringify(error.toJSON())).not.toContain('orders');
    });

    it.each(['unknown', 'payments', 'orders-evil', 'Orders', ''])(
      'refuses %p for an entry only orders may call',
      (who) => {
        expect(() => assertCallerAllowed('payments.refund-payment', 'payments', ordersOnly, who, {})).toThrow(
          PermissionDeniedError,
        );
      },
    );

    it('admits anyone, a nameless caller included, to an entry declared public', () => {
      for (const who of ['edge', 'orders', 'unknown'])
        expect(() => assertCallerAllowed('probe.echo-message', 'probe', { callers: ['*'] }, who, {})).not.toThrow();
    });

    it('lets only the owning module call a handler bound without an allow-list', () => {
      expect(() => assertCallerAllowed('legacy.do-thing', 'legacy', undefined, 'legacy', {})).not.toThrow();
      expect(() => assertCallerAllowed('legacy.do-thing', 'legacy', undefined, 'edge', {})).toThrow(
        PermissionDeniedError,
      );
    });

    describe('as the system', () => {
      it('admits a call naming the end user from every listed caller', () => {
        for (const who of ['edge', 'orders'])
          expect(() =>
            assertCallerAllowed('orders.get-order', 'orders', onBehalf, who, { orderId: 'o', customerId: 'c' }),
          ).not.toThrow();
      });

      it.each([
        ['left out', { orderId: 'o' }],
        ['undefined', { orderId: 'o', customerId: undefined }],
        ['null', { orderId: 'o', customerId: null }],
        ['only inherited', Object.create({ customerId: 'c' }) as object],
        ['not an object', 'o'],
      ])('refuses the edge when the customer is %s, and admits a system caller', (_, data) => {
        const error = refusal(() => assertCallerAllowed('orders.get-order', 'orders', onBehalf, 'edge', data));
        expect(error.toJSON()).toEqual({
          code: ErrorCode.PermissionDenied,
          message: '"edge" may not call "orders.get-order" without customerId',
          details: { caller: 'edge', pattern: 'orders.get-order', asSystem: true },
        });
        expect(() => assertCallerAllowed('orders.get-order', 'orders', onBehalf, 'orders', data)).not.toThrow();
      });

      it('refuses a caller that is not listed at all, with or without the customer', () => {
        for (const data of [{ orderId: 'o' }, { orderId: 'o', customerId: 'c' }])
          expect(() => assertCallerAllowed('orders.get-order', 'orders', onBehalf, 'payments', data)).toThrow(
            PermissionDeniedError,
          );
      });
    });

    describe('reserved requests', () => {
      const delivery = (pattern: unknown) => ({ eventId: 'e', pattern, aggregateId: 'a', attempt: 1, payload: {} });

      it("admits a delivery only from the relay of the delivered event's publisher", () => {
        expect(() =>
          assertCallerAllowed('identity.$deliver', 'identity', undefined, 'orders', delivery('orders.order.confirmed')),
        ).not.toThrow();
        for (const who of ['identity', 'edge', 'payments', 'unknown'])
          expect(() =>
            assertCallerAllowed('identity.$deliver', 'identity', undefined, who, delivery('orders.order.confirmed')),
          ).toThrow(PermissionDeniedError);
      });

      it.each([[undefined], [42], ['orders'], ['.order.confirmed'], ['unknown.thing.done']])(
        'refuses a delivery whose event pattern is %p',
        (pattern) => {
          for (const who of ['orders', 'unknown'])
            expect(() =>
              assertCallerAllowed('identity.$deliver', 'identity', undefined, who, delivery(pattern)),
            ).toThrow(PermissionDeniedError);
        },
      );

      it('refuses a delivery that is not an object', () => {
        expect(() => assertCallerAllowed('identity.$deliver', 'identity', undefined, 'orders', null)).toThrow(
          PermissionDeniedError,
        );
      });

      it('answers $subscriptions to any named caller, not to a nameless one', () => {
        expect(() => assertCallerAllowed('identity.$subscriptions', 'identity', undefined, 'orders', {})).not.toThrow();
        expect(() => assertCallerAllowed('identity.$subscriptions', 'identity', undefined, 'unknown', {})).toThrow(
          PermissionDeniedError,
        );
      });
    });
  });

  describe('assertPublisherAllowed', () => {
    it('admits the module that owns the event and no one else', () => {
      expect(() => assertPublisherAllowed('orders.order.placed', 'orders')).not.toThrow();
      for (const who of ['identity', 'edge', 'unknown', 'orders-x', 'order'])
        expect(() => assertPublisherAllowed('orders.order.placed', who)).toThrow(PermissionDeniedError);
    });

    it('refuses a pattern that names no module, even to a caller named like its start', () => {
      expect(() => assertPublisherAllowed('.order.placed', '')).toThrow(PermissionDeniedError);
      expect(() => assertPublisherAllowed('unknown.thing.done', 'unknown')).toThrow(PermissionDeniedError);
      expect(() => assertPublisherAllowed('orders', 'orders')).toThrow(PermissionDeniedError);
    });
  });
});
