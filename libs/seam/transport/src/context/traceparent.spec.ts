import { describe, expect, it } from '@jest/globals';
import { childOf, formatTraceparent, newTrace, parseTraceparent } from './traceparent.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;
const SHAPE = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

describe('traceparent', () => {
  describe('parseTraceparent', () => {
    it('parses a valid version-00 header into trace id, span id and flags', () => {
      expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, flags: '01' });
      expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)?.flags).toBe('00');
    });

    it('ignores surrounding whitespace, as header values may carry it', () => {
      expect(parseTraceparent(` ${VALID}\t`)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, flags: '01' });
    });

    it.each([
      ['an unknown version', `01-${TRACE_ID}-${SPAN_ID}-01`],
      ['the forbidden version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
      ['upper-case hex in the trace id', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
      ['upper-case hex in the flags', `00-${TRACE_ID}-${SPAN_ID}-0A`],
      ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
      ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
      ['a short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
      ['a long span id', `00-${TRACE_ID}-${SPAN_ID}0-01`],
      ['a one-digit flags field', `00-${TRACE_ID}-${SPAN_ID}-1`],
      ['a trailing field', `${VALID}-00`],
      ['non-hex characters', `00-${TRACE_ID.slice(0, 31)}g-${SPAN_ID}-01`],
      ['other separators', `00_${TRACE_ID}_${SPAN_ID}_01`],
      ['an empty string', ''],
      ['a 10 kB string', 'a'.repeat(10_240)],
      ['a valid header followed by 10 kB', VALID + 'a'.repeat(10_240)],
      ['a valid header on a second line', `x\n${VALID}`],
    ])('rejects %s', (_, value) => {
      expect(parseTraceparent(value)).toBeUndefined();
    });

    it.each([[undefined], [null], [42], [{ traceparent: VALID }], [[VALID]], [Buffer.from(VALID)]])(
      'rejects the non-string %p',
      (value) => {
        expect(parseTraceparent(value)).toBeUndefined();
      },
    );
  });

  describe('formatTraceparent', () => {
    it('is the inverse of parseTraceparent', () => {
      expect(formatTraceparent(parseTraceparent(VALID)!)).toBe(VALID);
    });
  });

  describe('newTrace', () => {
    it('makes a valid, sampled, random trace each time', () => {
      const traces = Array.from({ length: 50 }, () => newTrace());
      for (const trace of traces) {
        expect(formatTraceparent(trace)).toMatch(SHAPE);
        expect(parseTraceparent(formatTraceparent(trace))).toEqual(trace);
        expect(trace.flags).toBe('01');
      }
      expect(new Set(traces.map((t) => t.traceId)).size).toBe(50);
      expect(new Set(traces.map((t) => t.spanId)).size).toBe(50);
    });
  });

  describe('childOf', () => {
    it('keeps the trace id and flags and makes a new valid span id', () => {
      const parent = parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)!;
      const child = childOf(parent);
      expect(child.traceId).toBe(TRACE_ID);
      expect(child.flags).toBe('00');
      expect(child.spanId).not.toBe(SPAN_ID);
      expect(parseTraceparent(formatTraceparent(child))).toEqual(child);
    });
  });
});
