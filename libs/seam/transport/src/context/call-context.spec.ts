import { describe, expect, it } from '@jest/globals';
import { CallContext, UNKNOWN_CALLER } from './call-context.js';
import { parseTraceparent } from './traceparent.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const DEFAULT_BUDGET = 7_777;

function metadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceparent: TRACEPARENT, 'seam-caller': 'orders', 'seam-budget-ms': '1500', ...overrides };
}

/** `toBeCloseTo` precision for budgets: within 500 ms, room for a slow test, far from any other budget used here. */
const ROUGHLY = -3;

/** Spins (no timer) until `performance.now()` has moved on by `ms`. */
function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('CallContext', () => {
  describe('fromMetadata', () => {
    it('takes trace, caller and budget from valid metadata', () => {
      const context = CallContext.fromMetadata(metadata(), DEFAULT_BUDGET);
      expect(context.traceparent).toBe(TRACEPARENT);
      expect(context.correlationId).toBe(TRACE_ID);
      expect(context.caller).toBe('orders');
      expect(context.remainingMs()).toBeCloseTo(1_500, ROUGHLY);
      expect(context.expired).toBe(false);
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['an array', [TRACEPARENT, 'orders', '1500']],
      ['a string', TRACEPARENT],
      ['a number', 1500],
    ])('falls back to a new trace, caller unknown and the default budget for %s', (_, hostile) => {
      const context = CallContext.fromMetadata(hostile, DEFAULT_BUDGET);
      expect(parseTraceparent(context.traceparent)).toBeDefined();
      expect(context.correlationId).not.toBe(TRACE_ID);
      expect(context.caller).toBe(UNKNOWN_CALLER);
      expect(context.remainingMs()).toBeCloseTo(DEFAULT_BUDGET, ROUGHLY);
    });

    it.each([
      ['an invalid string', 'not-a-traceparent'],
      ['a number', 42],
      ['an object', { traceId: TRACE_ID }],
    ])('starts a new trace when the traceparent is %s', (_, traceparent) => {
      const context = CallContext.fromMetadata(metadata({ traceparent }), DEFAULT_BUDGET);
      expect(parseTraceparent(context.traceparent)).toBeDefined();
      expect(context.correlationId).not.toBe(TRACE_ID);
      expect(context.caller).toBe('orders');
    });

    it.each([['edge'], ['order-history'], ['a'.repeat(63)]])('accepts the caller name %p', (caller) => {
      expect(CallContext.fromMetadata(metadata({ 'seam-caller': caller }), DEFAULT_BUDGET).caller).toBe(caller);
    });

    it.each([
      ['with a space', 'order history'],
      ['with unicode', 'bestellungen-ü'],
      ['in upper case', 'Orders'],
      ['starting with a digit', '1orders'],
      ['with a trailing newline', 'orders\n'],
      ['of 64 characters', 'a'.repeat(64)],
      ['of 300 characters', 'a'.repeat(300)],
      ['empty', ''],
      ['a number', 42],
      ['an array', ['orders']],
    ])('records the caller as unknown when it is %s', (_, caller) => {
      expect(CallContext.fromMetadata(metadata({ 'seam-caller': caller }), DEFAULT_BUDGET).caller).toBe(UNKNOWN_CALLER);
    });

    it.each([
      ['non-numeric', 'soon'],
      ['in exponent notation', '1e9'],
      ['fractional', '1.5'],
      ['padded', ' 100'],
      ['of eleven digits', '99999999999'],
      ['over a day', '86400001'],
      ['empty', ''],
      ['a number instead of a string', 1500],
      ['missing', undefined],
    ])('uses the default budget when the budget is %s', (_, budget) => {
      const context = CallContext.fromMetadata(metadata({ 'seam-budget-ms': budget }), DEFAULT_BUDGET);
      expect(context.remainingMs()).toBeCloseTo(DEFAULT_BUDGET, ROUGHLY);
    });

    it('accepts a budget of exactly one day', () => {
      const context = CallContext.fromMetadata(metadata({ 'seam-budget-ms': '86400000' }), DEFAULT_BUDGET);
      expect(context.remainingMs()).toBeCloseTo(86_400_000, ROUGHLY);
    });

    it.each([['-5'], ['-999999999'], ['0']])('treats the budget %p as already spent, not as unlimited', (budget) => {
      const context = CallContext.fromMetadata(metadata({ 'seam-budget-ms': budget }), DEFAULT_BUDGET);
      expect(context.remainingMs()).toBe(0);
      expect(context.expired).toBe(true);
    });
  });

  describe('outgoing', () => {
    it('keeps the trace id of the parent with a new span, and passes caller and whole milliseconds', () => {
      const parent = CallContext.fromMetadata(metadata(), DEFAULT_BUDGET);
      const outgoing = CallContext.outgoing(parent, 'payments', 1234.9);
      const trace = parseTraceparent(outgoing.traceparent)!;
      expect(trace.traceId).toBe(TRACE_ID);
      expect(trace.spanId).not.toBe(parent.trace.spanId);
      expect(trace.flags).toBe(parent.trace.flags);
      expect(outgoing['seam-caller']).toBe('payments');
      expect(outgoing['seam-budget-ms']).toBe('1234');
    });

    it('is exactly the three metadata fields, as a wire carries them', () => {
      const outgoing = CallContext.outgoing(undefined, 'edge', 500);
      expect(Object.keys(outgoing)).toEqual(['traceparent', 'seam-caller', 'seam-budget-ms']);
      expect(JSON.parse(JSON.stringify(outgoing))).toEqual({ ...outgoing });
    });

    it('starts a new valid trace without a parent', () => {
      const outgoing = CallContext.outgoing(undefined, 'edge', 500);
      expect(parseTraceparent(outgoing.traceparent)).toBeDefined();
      expect(CallContext.fromMetadata(outgoing, DEFAULT_BUDGET).caller).toBe('edge');
    });

    it('produces metadata that the receiving side reads back as the same flow', () => {
      const parent = CallContext.root({ budgetMs: 2_000 });
      const received = CallContext.fromMetadata(CallContext.outgoing(parent, 'orders', 800), DEFAULT_BUDGET);
      expect(received.correlationId).toBe(parent.correlationId);
      expect(received.caller).toBe('orders');
      expect(received.remainingMs()).toBeCloseTo(800, ROUGHLY);
    });
  });

  describe('root', () => {
    it('continues a valid incoming traceparent and replaces an invalid one', () => {
      expect(CallContext.root({ traceparent: TRACEPARENT, budgetMs: 100 }).correlationId).toBe(TRACE_ID);
      const fresh = CallContext.root({ traceparent: TRACEPARENT.toUpperCase(), budgetMs: 100 });
      expect(fresh.correlationId).not.toBe(TRACE_ID.toUpperCase());
      expect(parseTraceparent(fresh.traceparent)).toBeDefined();
    });

    it('sanitises the caller', () => {
      expect(CallContext.root({ caller: 'edge', budgetMs: 100 }).caller).toBe('edge');
      expect(CallContext.root({ caller: 'Edge Server', budgetMs: 100 }).caller).toBe(UNKNOWN_CALLER);
    });

    it('still judges every caller name once it has seen more names than it remembers', () => {
      const callerOf = (caller: string) => CallContext.root({ caller, budgetMs: 100 }).caller;
      for (let i = 0; i < 1_000; i++) expect(callerOf(`module-${i}`)).toBe(`module-${i}`);
      expect(callerOf('module-1000')).toBe('module-1000');
      expect(callerOf('Module-1000')).toBe(UNKNOWN_CALLER);
      expect(callerOf(`m${'x'.repeat(63)}`)).toBe(UNKNOWN_CALLER);
    });
  });

  describe('remainingMs', () => {
    it('decreases as time passes', () => {
      const context = CallContext.root({ budgetMs: 60_000 });
      const first = context.remainingMs();
      busyWait(5);
      const second = context.remainingMs();
      expect(second).toBeLessThan(first - 4);
      expect(second).toBeGreaterThan(0);
    });

    it('stops at 0 once the deadline has passed', () => {
      const context = CallContext.fromMetadata(metadata({ 'seam-budget-ms': '50' }), DEFAULT_BUDGET);
      expect(context.expired).toBe(false);
      busyWait(55);
      expect(context.remainingMs()).toBe(0);
      expect(context.expired).toBe(true);
    });
  });
});
