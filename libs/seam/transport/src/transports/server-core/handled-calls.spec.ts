import { describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import { CallContext } from '../../context/call-context.js';
import type { SeamHandlerExtras } from '../../door/seam-extras.js';
import { dispatchRequest, type DispatchOptions } from './dispatch.js';
import { HandledCalls, handledCalls } from './handled-calls.js';
import { HandlerTable } from './handler-table.js';

const options: DispatchOptions = { defaultBudgetMs: 5_000, propagation: false, prepareResponse: (value) => value };

/** A table answering `pattern` with `'ok'`. */
function tableAnswering(pattern: string): HandlerTable {
  const handler: MessageHandler = async () => 'ok';
  handler.extras = {
    seam: { kind: 'request', owner: pattern.split('.')[0]!, access: { callers: ['*'] } } satisfies SeamHandlerExtras,
  };
  const table = new HandlerTable();
  table.add(pattern, handler, false);
  return table;
}

const handledOf = (pattern: string) => new Map(handledCalls.snapshot()).get(pattern) ?? 0;
const dispatch = (table: HandlerTable, pattern: string, call = CallContext.fromMetadata({}, 5_000)) =>
  new Promise<void>((done) => dispatchRequest(table, pattern, {}, {}, call, options, () => done()));

describe('HandledCalls', () => {
  describe('count', () => {
    it('counts per pattern, and the snapshot lists patterns in order', () => {
      const calls = new HandledCalls();
      for (const pattern of ['orders.place-order', 'catalog.get-product', 'orders.place-order']) calls.count(pattern);
      expect(calls.snapshot()).toEqual([
        ['catalog.get-product', 1],
        ['orders.place-order', 2],
      ]);
    });
  });

  describe('handledCalls (the process-wide instance)', () => {
    it('counts each request whose handler runs, once', async () => {
      const table = tableAnswering('counting.count-me');
      const before = handledOf('counting.count-me');
      await dispatch(table, 'counting.count-me');
      await dispatch(table, 'counting.count-me');
      expect(handledOf('counting.count-me')).toBe(before + 2);
    });

    it('does not count requests answered without a handler: unknown pattern, deadline already past', async () => {
      const table = tableAnswering('counting.known');
      await dispatch(table, 'counting.unknown');
      await dispatch(table, 'counting.known', CallContext.fromMetadata({ 'seam-budget-ms': '0' }, 5_000));
      expect(handledOf('counting.unknown')).toBe(0);
      expect(handledOf('counting.known')).toBe(0);
    });

    it('does not run or count a request whose caller the entry does not allow, and answers PermissionDenied', async () => {
      let ran = 0;
      const handler: MessageHandler = async () => ran++;
      handler.extras = { seam: { kind: 'request', owner: 'counting', access: { callers: ['orders'] } } };
      const table = new HandlerTable();
      table.add('counting.guarded', handler, false);
      const answer = (caller: string) =>
        new Promise<unknown>((done) =>
          dispatchRequest(
            table,
            'counting.guarded',
            { not: 'validated' },
            {},
            CallContext.fromMetadata({ 'seam-caller': caller }, 5_000),
            options,
            (error) => done(error),
          ),
        );
      await expect(answer('edge')).resolves.toMatchObject({ code: 'PERMISSION_DENIED', details: { caller: 'edge' } });
      await expect(answer('')).resolves.toMatchObject({ code: 'PERMISSION_DENIED', details: { caller: 'unknown' } });
      expect(ran).toBe(0);
      expect(handledOf('counting.guarded')).toBe(0);
      await expect(answer('orders')).resolves.toBeUndefined();
      expect(ran).toBe(1);
    });
  });
});
