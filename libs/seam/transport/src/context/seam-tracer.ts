import type { CallLabels, CallMeter } from '../client/call-meters.js';
import type { CallContext } from './call-context.js';

/**
 * One span a {@link SeamTracer} opened. Shaped like a `CallMeter` so that a client call's span
 * rides where its meter already goes, at no extra cost on the call path.
 */
export interface SeamSpan {
  /** Ends the span. @param outcome `ok`, or the `SeamError` code it failed with */
  settled(outcome: string, seconds?: number): void;
}

/**
 * Where a process's seam spans go (`@seam/runtime` installs an OpenTelemetry one). The transport
 * library only calls this interface: it depends on no tracing library. Seam generates the span
 * ids itself (every call carries a `traceparent` whether traced or not), so a tracer records
 * spans under the ids it is given rather than making its own — the ids on the wire and in the
 * trace are the same, and nothing is parsed or formatted twice.
 *
 * Every method is called synchronously on a hot path, and may return `undefined` to record
 * nothing (not sampled).
 */
export interface SeamTracer {
  /**
   * A request leaves. `traceparent` is the one it carries: its span id is the client span's id.
   * `parent` is the call it is made within (its `trace.spanId` is the parent span).
   */
  clientCall(labels: CallLabels, traceparent: string, parent: CallContext | undefined): SeamSpan | undefined;
  /**
   * An event is handed to its transports, ended once all took it (`traceparent`: what it
   * carries, as for a request; `labels.transport`: a remote one when any).
   */
  publish(labels: CallLabels, traceparent: string, parent: CallContext | undefined): SeamSpan | undefined;
  /**
   * A request's handler is about to run for `call` (its `module` set). A tracer that records it
   * moves the call onto the server span (`CallContext.enterSpan`), so nested calls are its children.
   */
  serverCall(pattern: string, call: CallContext): SeamSpan | undefined;
  /**
   * An event is about to be handled by `call.module`. The span links to the publisher's span
   * (the `traceparent` it arrived with); like `serverCall`, it moves the call onto itself.
   */
  deliver(pattern: string, call: CallContext): SeamSpan | undefined;
}

/**
 * Where a tracer set up before the app loads (`node --import` of a register module, itself a
 * separate bundle with its own copy of this library) leaves it for every copy of this module.
 */
export const SEAM_TRACER_KEY = Symbol.for('seam.tracer');

// Read once, when the module loads: a call never pays for a global lookup.
let installed = (globalThis as Record<symbol, SeamTracer | undefined>)[SEAM_TRACER_KEY];

/**
 * Installs the process's tracer (process-wide, like `installSeamMeters`); `undefined` stops
 * tracing. Without one, a call pays a single `undefined` check.
 */
export function installSeamTracer(tracer: SeamTracer | undefined): void {
  installed = tracer;
}

/** The installed tracer, if any. */
export function seamTracer(): SeamTracer | undefined {
  return installed;
}

/**
 * A meter that also ends `span` (a client call's span rides on its meter); `meter` may be absent
 * (no meters installed).
 */
export function withSpan(meter: CallMeter | undefined, span: SeamSpan | undefined): CallMeter | undefined {
  if (!span) return meter;
  return {
    settled(outcome, seconds) {
      meter?.settled(outcome, seconds);
      span.settled(outcome, seconds);
    },
  };
}
