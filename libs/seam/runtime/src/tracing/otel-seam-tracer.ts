import {
  type Attributes,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { type IdGenerator, RandomIdGenerator } from '@opentelemetry/sdk-trace';
import type { CallContext, CallLabels, SeamSpan, SeamTracer } from '@seam/transport';

/**
 * The SDK's id generator, told which ids to use next. Seam has already chosen a call's span id
 * (it is on the wire in the call's `traceparent`): the span is recorded under that id rather than
 * a new one the wire would then have to be rewritten with. Set and cleared around one synchronous
 * `startSpan`, so no other span can take it.
 */
export class SeamIdGenerator implements IdGenerator {
  /** The span id the next span gets. */
  nextSpanId?: string;
  /** The trace id the next root span gets. */
  nextTraceId?: string;
  private readonly random = new RandomIdGenerator();

  generateTraceId(): string {
    return this.nextTraceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.nextSpanId ?? this.random.generateSpanId();
  }

  /** A fresh random span id (a server or delivery span, which Seam has no id for). */
  randomSpanId(): string {
    return this.random.generateSpanId();
  }
}

/** Ends an OpenTelemetry span with a Seam outcome. */
class OtelSeamSpan implements SeamSpan {
  constructor(private readonly span: Span) {}

  settled(outcome: string): void {
    this.span.setAttribute('seam.outcome', outcome);
    if (outcome !== 'ok') this.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    this.span.end();
  }
}

/**
 * Records Seam's calls and events as OpenTelemetry spans, under the ids Seam put on the wire:
 * a client span per request attempt (`CLIENT`) and per event emitted (`PRODUCER`), a server span
 * per handled request (`SERVER`) and per event delivered to a module (`CONSUMER`, linked to the
 * producer's span). An outbox relay's delivery (`<module>.$deliver`) is a producer and a
 * consumer span too. Attributes are the metrics' labels (`seam.caller`, `seam.callee`,
 * `seam.entry`, `seam.transport`, `seam.outcome`) plus the RPC semantic conventions.
 */
export class OtelSeamTracer implements SeamTracer {
  constructor(
    private readonly tracer: Tracer,
    private readonly ids: SeamIdGenerator,
  ) {}

  clientCall(labels: CallLabels, traceparent: string, parent: CallContext | undefined): SeamSpan | undefined {
    return this.outgoing(isDelivery(labels.entry) ? SpanKind.PRODUCER : SpanKind.CLIENT, labels, traceparent, parent);
  }

  publish(labels: CallLabels, traceparent: string, parent: CallContext | undefined): SeamSpan | undefined {
    return this.outgoing(SpanKind.PRODUCER, labels, traceparent, parent);
  }

  serverCall(pattern: string, call: CallContext): SeamSpan | undefined {
    return isDelivery(pattern)
      ? this.incoming(SpanKind.CONSUMER, pattern, call, true)
      : this.incoming(SpanKind.SERVER, pattern, call, false);
  }

  deliver(pattern: string, call: CallContext): SeamSpan | undefined {
    return this.incoming(SpanKind.CONSUMER, pattern, call, true);
  }

  private outgoing(
    kind: SpanKind,
    labels: CallLabels,
    traceparent: string,
    parent: CallContext | undefined,
  ): SeamSpan | undefined {
    // `00-<trace id>-<span id>-<flags>`, as CallContext.outgoing wrote it. A trace its root
    // chose not to sample costs no SDK work at all.
    if (traceparent.endsWith('-00')) return undefined;
    const traceId = traceparent.slice(3, 35);
    const spanId = traceparent.slice(36, 52);
    const context = parent ? contextOf(parent.trace.traceId, parent.trace.spanId, parent.trace.flags) : ROOT_CONTEXT;
    const attributes: Attributes = {
      'rpc.system': 'seam',
      'rpc.service': labels.callee,
      'rpc.method': labels.entry,
      'seam.caller': labels.caller,
      'seam.callee': labels.callee,
      'seam.entry': labels.entry,
      'seam.transport': labels.transport,
    };
    return this.start(labels.entry, kind, traceId, spanId, context, attributes);
  }

  private incoming(kind: SpanKind, pattern: string, call: CallContext, linked: boolean): SeamSpan | undefined {
    const { traceId, spanId: parentSpanId, flags } = call.trace;
    if (flags === '00') return undefined;
    const context = contextOf(traceId, parentSpanId, flags);
    const spanId = this.ids.randomSpanId();
    const callee = call.module ?? pattern.slice(0, Math.max(0, pattern.indexOf('.')));
    const attributes: Attributes = {
      'rpc.system': 'seam',
      'rpc.service': callee,
      'rpc.method': pattern,
      'seam.caller': call.caller,
      'seam.callee': callee,
      'seam.entry': pattern,
    };
    // A delivery links to the span that produced the event (OpenTelemetry's messaging
    // conventions) and is also its child, so one trace reads from the edge to the last consumer.
    const links = linked ? [{ context: trace.getSpanContext(context)! }] : undefined;
    const span = this.start(pattern, kind, traceId, spanId, context, attributes, links);
    if (span) call.enterSpan(spanId);
    return span;
  }

  private start(
    name: string,
    kind: SpanKind,
    traceId: string,
    spanId: string,
    context: Context,
    attributes: Attributes,
    links?: Link[],
  ): SeamSpan | undefined {
    this.ids.nextTraceId = traceId;
    this.ids.nextSpanId = spanId;
    let span: Span;
    try {
      span = this.tracer.startSpan(name, { kind, attributes, links }, context);
    } finally {
      this.ids.nextTraceId = undefined;
      this.ids.nextSpanId = undefined;
    }
    return span.isRecording() ? new OtelSeamSpan(span) : undefined;
  }
}

/**
 * Whether `pattern` is a module's reserved `$deliver` request: an outbox relay handing it an
 * event. Its client span is the event's producer span (a child of the call that wrote the event
 * to the outbox), and the handling is a consumer span linked to it.
 */
function isDelivery(pattern: string): boolean {
  return pattern.endsWith('.$deliver');
}

/** The OpenTelemetry context whose (remote) parent span is the one given. */
function contextOf(traceId: string, spanId: string, flags: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16),
    isRemote: true,
  });
}
