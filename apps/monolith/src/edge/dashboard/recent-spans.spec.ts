import { afterEach, describe, expect, it } from '@jest/globals';
import {
  CallContext,
  type CallLabels,
  installSeamTracer,
  type SeamSpan,
  type SeamTracer,
  seamTracer,
} from '@seam/transport';
import { RecentSpans } from './recent-spans.js';

const LABELS: CallLabels = { caller: 'edge', callee: 'orders', entry: 'orders.place-order', transport: 'in-process' };
const TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('RecentSpans', () => {
  const before = seamTracer();
  afterEach(() => installSeamTracer(before));

  describe('install', () => {
    it('records settled spans and passes every call on to the tracer installed before', () => {
      const seen: string[] = [];
      const inner: SeamTracer = {
        clientCall: (labels) => ({ settled: (outcome) => seen.push(`${labels.entry} ${outcome}`) }) as SeamSpan,
        publish: () => undefined,
        serverCall: () => undefined,
        deliver: () => undefined,
      };
      installSeamTracer(inner);
      const spans = new RecentSpans(10);
      spans.install();
      seamTracer()!.clientCall(LABELS, `00-${TRACE}-b7ad6b7169203331-01`, undefined)!.settled('ok', 0.002);
      spans.uninstall();

      expect(seamTracer()).toBe(inner);
      expect(seen).toEqual(['orders.place-order ok']);
      expect(spans.spans()).toEqual([
        expect.objectContaining({ traceId: TRACE, spanId: 'b7ad6b7169203331', kind: 'client', durationMs: 2 }),
      ]);
    });
  });

  describe('serverCall', () => {
    it('moves the call onto a span of its own, so that nested calls are its children', () => {
      const spans = new RecentSpans(10);
      const call = CallContext.root({ traceparent: `00-${TRACE}-b7ad6b7169203331-01`, caller: 'edge', budgetMs: 1000 });
      call.module = 'orders';
      spans.serverCall('orders.place-order', call)!.settled('ok');
      const [span] = spans.spans();
      expect(span).toMatchObject({ kind: 'server', parentId: 'b7ad6b7169203331', module: 'orders', caller: 'edge' });
      expect(call.trace.spanId).toBe(span!.spanId);
      expect(span!.spanId).not.toBe('b7ad6b7169203331');
    });
  });

  describe('spans', () => {
    it('keeps the last spans only, oldest first', () => {
      const spans = new RecentSpans(3);
      for (let i = 0; i < 5; i++)
        spans.clientCall({ ...LABELS, entry: `e${i}` }, `00-${TRACE}-b7ad6b716920333${i}-01`, undefined)!.settled('ok');
      expect(spans.spans().map(({ name }) => name)).toEqual(['e2', 'e3', 'e4']);
    });
  });
});
