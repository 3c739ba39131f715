import { describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import { CallContext } from '../../context/call-context.js';
import type { WireError } from '../../errors/seam-error.js';
import { dispatchEvent, dispatchRequest, type DispatchOptions } from './dispatch.js';
import { HandlerTable } from './handler-table.js';

const options: DispatchOptions = { defaultBudgetMs: 5_000, propagation: false, prepareResponse: (value) => value };

/** Identity's table: it subscribes to orders.order.confirmed; `heard` records what it received. */
function identityTable(heard: unknown[]): HandlerTable {
  const onConfirmed: MessageHandler = async (payload: unknown) => void heard.push(payload);
  onConfirmed.extras = { seam: { kind: 'event', owner: 'orders', subscriber: 'identity' } };
  const table = new HandlerTable();
  table.add('orders.order.confirmed', onConfirmed, true);
  return table;
}

const as = (caller: string) => CallContext.fromMetadata({ 'seam-caller': caller }, 5_000);

function call(table: HandlerTable, pattern: string, data: unknown, caller: string) {
  return new Promise<{ error?: WireError; response?: unknown }>((done) =>
    dispatchRequest(table, pattern, data, {}, as(caller), options, (error, response) => done({ error, response })),
  );
}

const delivery = { eventId: 'e-1', pattern: 'orders.order.confirmed', aggregateId: 'o-1', attempt: 1, payload: {} };

describe('dispatch (who may call)', () => {
  describe('<module>.$deliver', () => {
    it("refuses an event injected by anyone but the relay of the event's publisher, before the subscriber runs", async () => {
      const heard: unknown[] = [];
      const table = identityTable(heard);
      for (const forger of ['edge', 'identity', 'payments', 'unknown']) {
        const { error } = await call(table, 'identity.$deliver', { ...delivery, payload: { forged: forger } }, forger);
        expect(error).toMatchObject({ code: 'PERMISSION_DENIED', details: { pattern: 'identity.$deliver' } });
      }
      expect(heard).toEqual([]);
      await expect(call(table, 'identity.$deliver', delivery, 'orders')).resolves.toEqual({
        error: undefined,
        response: { handled: true },
      });
      expect(heard).toEqual([{}]);
    });

    it('refuses a malformed delivery as not coming from any publisher, not as invalid', async () => {
      const { error } = await call(identityTable([]), 'identity.$deliver', { pattern: 42 }, 'orders');
      expect(error?.code).toBe('PERMISSION_DENIED');
    });
  });

  describe('events', () => {
    it('drops an event emitted by a module that does not own it', async () => {
      const heard: unknown[] = [];
      const table = identityTable(heard);
      const intake = new Set(['identity']);
      const emit = (caller: string) =>
        dispatchEvent(table, 'orders.order.confirmed', { by: caller }, {}, as(caller), intake, options, (data) => data);
      await emit('payments');
      await emit('unknown');
      expect(heard).toEqual([]);
      await emit('orders');
      expect(heard).toEqual([{ by: 'orders' }]);
    });
  });
});
