import { describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { CallContext } from '@seam/transport';
import { OtelSeamTracer, SeamIdGenerator } from './otel-seam-tracer.js';

function tracing() {
  const exporter = new InMemorySpanExporter();
  const ids = new SeamIdGenerator();
  const provider = new TracerProvider({ idGenerator: ids, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { exporter, tracer: new OtelSeamTracer(provider.getTracer('test'), ids) };
}

const labels = { caller: 'orders', callee: 'inventory', entry: 'inventory.reserve-stock', transport: 'tcp' } as const;

describe('OtelSeamTracer', () => {
  describe('clientCall', () => {
    it('records the span under the ids on the wire, as a child of the calling context', () => {
      const { exporter, tracer } = tracing();
      const parent = CallContext.root({ budgetMs: 1_000 });
      const { traceparent } = CallContext.outgoing(parent, 'orders', 1_000);
      tracer.clientCall(labels, traceparent, parent)!.settled('ok');
      const [span] = exporter.getFinishedSpans();
      expect(`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`).toBe(traceparent);
      expect(span!.parentSpanContext?.spanId).toBe(parent.trace.spanId);
      expect(span!.attributes).toMatchObject({
        'seam.caller': 'orders',
        'seam.transport': 'tcp',
        'seam.outcome': 'ok',
      });
    });

    it('records nothing for a trace that is not sampled', () => {
      const { exporter, tracer } = tracing();
      const parent = CallContext.root({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`, budgetMs: 1_000 });
      expect(
        tracer.clientCall(labels, CallContext.outgoing(parent, 'orders', 1_000).traceparent, parent),
      ).toBeUndefined();
      expect(exporter.getFinishedSpans()).toHaveLength(0);
    });
  });

  describe('serverCall', () => {
    it('opens a child of the client span and moves the call onto it', () => {
      const { exporter, tracer } = tracing();
      const metadata = CallContext.outgoing(undefined, 'orders', 1_000);
      const call = CallContext.fromMetadata(metadata, 1_000);
      const clientSpanId = call.trace.spanId;
      tracer.serverCall('inventory.reserve-stock', call)!.settled('NOT_FOUND');
      const [span] = exporter.getFinishedSpans();
      expect(span!.parentSpanContext?.spanId).toBe(clientSpanId);
      expect(call.trace.spanId).toBe(span!.spanContext().spanId);
      expect(span!.status.code).toBe(2);
    });
  });

  describe('deliver', () => {
    it('links the delivery to the producer span', () => {
      const { exporter, tracer } = tracing();
      const call = CallContext.fromMetadata(CallContext.outgoing(undefined, 'orders', 1_000), 1_000);
      const producer = call.trace.spanId;
      tracer.deliver('orders.order.confirmed', call.servedBy('identity'))!.settled('ok');
      const [span] = exporter.getFinishedSpans();
      expect(span!.links.map((link) => link.context.spanId)).toEqual([producer]);
      expect(span!.attributes['seam.callee']).toBe('identity');
    });
  });
});
