import { randomHex } from './random-ids.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** A parsed W3C `traceparent` header (version 00). */
export interface TraceParent {
  traceId: string;
  spanId: string;
  flags: string;
}

/**
 * Parses a W3C trace context `traceparent` value. Returns `undefined` for anything that is not a
 * valid version-00 header (wrong length, upper case, all-zero ids), so hostile input is dropped
 * rather than propagated.
 */
export function parseTraceparent(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match || match[1] === ZERO_TRACE || match[2] === ZERO_SPAN) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, flags: match[3]! };
}

/** Formats a `traceparent` header. */
export function formatTraceparent(parent: TraceParent): string {
  return `00-${parent.traceId}-${parent.spanId}-${parent.flags}`;
}

/** A new trace: random trace and span ids, sampled flag set. */
export function newTrace(): TraceParent {
  return { traceId: randomHex(16), spanId: randomHex(8), flags: '01' };
}

/** The trace context of an outgoing call made within `parent`: same trace, new span. */
export function childOf(parent: TraceParent): TraceParent {
  return { traceId: parent.traceId, spanId: randomHex(8), flags: parent.flags };
}
