import { randomBytes } from 'node:crypto';
import {
  type CallContext,
  type CallLabels,
  installSeamTracer,
  type SeamSpan,
  type SeamTracer,
  seamTracer,
} from '@seam/transport';

/** A settled span as the dashboard shows it. */
export interface RecentSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** The span it was made within, when there is one (it may have left the buffer, or be another process's). */
  readonly parentId?: string;
  /** `client` (a request sent), `publish` (an event emitted), `server` (a request handled), `deliver` (an event handled). */
  readonly kind: 'client' | 'publish' | 'server' | 'deliver';
  /** The entry's pattern. */
  readonly name: string;
  readonly caller: string;
  readonly module: string;
  /** Epoch milliseconds at which it started. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** `ok`, or the `SeamError` code it failed with. */
  readonly outcome: string;
}

// A server span's id when no other tracer gave it one: a random prefix per process and a counter,
// unique like a random id without paying for randomness on every handled call.
const SPAN_ID_PREFIX = randomBytes(4).toString('hex');
let spanCounter = 0;
function nextSpanId(): string {
  spanCounter = (spanCounter + 1) >>> 0;
  return SPAN_ID_PREFIX + spanCounter.toString(16).padStart(8, '0');
}

/** How many settled spans the buffer keeps: a few dozen orders' worth, a few hundred kilobytes at most. */
export const RECENT_SPANS_CAPACITY = 2000;

/**
 * The last settled seam spans of this process, in a ring buffer: what the dashboard draws as
 * "the last traces". A {@link SeamTracer} that wraps the one already installed (the
 * OpenTelemetry tracer when tracing is on), so both see every call; it records unsampled calls
 * too (the ids are on the wire anyway) and never exports anything. Installed only while the
 * dashboard runs ({@link install}/{@link uninstall}); recording is one object per call.
 */
export class RecentSpans implements SeamTracer {
  private readonly ring: RecentSpan[] = [];
  private next = 0;
  private inner: SeamTracer | undefined;
  private installed = false;

  constructor(private readonly capacity = RECENT_SPANS_CAPACITY) {}

  /** Becomes the process's tracer, in front of the one installed before. */
  install(): void {
    if (this.installed) return;
    this.inner = seamTracer();
    installSeamTracer(this);
    this.installed = true;
  }

  /** Puts the tracer installed before back. */
  uninstall(): void {
    if (!this.installed) return;
    installSeamTracer(this.inner);
    this.installed = false;
  }

  /** The spans recorded, oldest first. */
  spans(): RecentSpan[] {
    return this.ring.length < this.capacity
      ? [...this.ring]
      : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  clientCall(labels: CallLabels, traceparent: string, parent: CallContext | undefined): SeamSpan | undefined {
    const inner = this.inner?.clientCall(labels, traceparent, parent);
    return this.outgoing('client', labels, traceparent, parent, inner);
  }

  publish(labels: CallLabels, traceparent: string, parent: CallContext | undefined): SeamSpan | undefined {
    const inner = this.inner?.publish(labels, traceparent, parent);
    return this.outgoing('publish', labels, traceparent, parent, inner);
  }

  serverCall(pattern: string, call: CallContext): SeamSpan | undefined {
    return this.incoming('server', pattern, call, (tracer) => tracer.serverCall(pattern, call));
  }

  deliver(pattern: string, call: CallContext): SeamSpan | undefined {
    return this.incoming('deliver', pattern, call, (tracer) => tracer.deliver(pattern, call));
  }

  private outgoing(
    kind: RecentSpan['kind'],
    labels: CallLabels,
    traceparent: string,
    parent: CallContext | undefined,
    inner: SeamSpan | undefined,
  ): SeamSpan {
    // `00-<trace id>-<span id>-<flags>`, as CallContext.outgoing wrote it.
    const span = {
      traceId: traceparent.slice(3, 35),
      spanId: traceparent.slice(36, 52),
      parentId: parent?.trace.spanId,
      kind,
      name: labels.entry,
      caller: labels.caller,
      module: labels.callee,
    };
    return this.settleInto(span, inner);
  }

  private incoming(
    kind: RecentSpan['kind'],
    pattern: string,
    call: CallContext,
    open: (tracer: SeamTracer) => SeamSpan | undefined,
  ): SeamSpan {
    const { traceId, spanId: parentId } = call.trace;
    const inner = this.inner && open(this.inner);
    // The inner tracer moved the call onto its own span when it recorded one; otherwise this
    // one does, so that calls made by the handler are drawn as its children.
    if (call.trace.spanId === parentId) call.enterSpan(nextSpanId());
    const module = call.module ?? pattern.slice(0, Math.max(0, pattern.indexOf('.')));
    const span = { traceId, spanId: call.trace.spanId, parentId, kind, name: pattern, caller: call.caller, module };
    return this.settleInto(span, inner);
  }

  private settleInto(
    span: Omit<RecentSpan, 'startedAt' | 'durationMs' | 'outcome'>,
    inner: SeamSpan | undefined,
  ): SeamSpan {
    const startedAt = Date.now();
    const started = performance.now();
    return {
      settled: (outcome, seconds) => {
        inner?.settled(outcome, seconds);
        const durationMs = seconds === undefined ? performance.now() - started : seconds * 1000;
        this.push({ ...span, startedAt, durationMs, outcome });
      },
    };
  }

  private push(span: RecentSpan): void {
    if (this.ring.length < this.capacity) this.ring.push(span);
    else this.ring[this.next] = span;
    this.next = (this.next + 1) % this.capacity;
  }
}

/** The process's buffer (one per process, like the installed tracer it becomes). */
export const recentSpans = new RecentSpans();
