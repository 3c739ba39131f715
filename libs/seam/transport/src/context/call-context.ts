import { randomHex } from './random-ids.js';
import type { CallMetadata } from './call-metadata.js';
import { formatTraceparent, newTrace, parseTraceparent, type TraceParent } from './traceparent.js';

const CALLER_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const BUDGET = /^-?\d{1,9}$/;
/**
 * The longest budget a call may have: a day. Arriving over a wire, a larger one is treated as
 * hostile input, not as a deadline; asked for by a caller (`timeoutMs: Infinity` for "no
 * deadline"), it is cut to this, so that both sides of every transport read the same budget.
 */
export const MAX_BUDGET_MS = 24 * 60 * 60 * 1000;

/** The caller recorded when metadata names none (e.g. a stock Nest client). */
export const UNKNOWN_CALLER = 'unknown';

/**
 * The context of one call as its handler sees it: correlation id, trace context, calling module
 * and deadline. Built from the packet metadata on arrival, in every transport; passed on to
 * nested calls so that they share the correlation id and get only the time that is left.
 *
 * The deadline is fixed on arrival; the trace and caller are parsed (and sanitised) on first
 * use, because most handlers never look at them and the in-process call path is measured in
 * hundreds of nanoseconds.
 */
export class CallContext {
  private parsedTrace?: TraceParent;
  private sanitizedCaller?: string;
  /**
   * The module whose handler serves this call in this process (set by the server before the
   * handler runs; absent at an edge or outside a handler) — what log lines name as `module`.
   */
  module?: string;

  private constructor(
    private readonly rawTraceparent: unknown,
    private readonly rawCaller: unknown,
    /** Monotonic time (`performance.now()`) at which the caller gives up. */
    private readonly deadlineMonotonic: number,
    /**
     * The metadata as it arrived over a wire (what the envelope's signature covers); absent for
     * calls made within this process.
     */
    readonly wireMetadata?: Readonly<Record<string, string | undefined>>,
  ) {}

  /** The trace context of this call (its span is the parent of nested calls). */
  get trace(): TraceParent {
    this.parsedTrace ??= parseTraceparent(this.rawTraceparent) ?? newTrace();
    return this.parsedTrace;
  }

  /** The module that made the call (`unknown` when the caller did not say, or said nonsense). */
  get caller(): string {
    this.sanitizedCaller ??= sanitizeCaller(this.rawCaller);
    return this.sanitizedCaller;
  }

  /** The correlation id shared by every call of one flow: the W3C trace id. */
  get correlationId(): string {
    return this.trace.traceId;
  }

  /** This call's `traceparent` header value. */
  get traceparent(): string {
    return formatTraceparent(this.trace);
  }

  /** Milliseconds left before the caller gives up (0 when already past). */
  remainingMs(): number {
    return Math.max(0, this.deadlineMonotonic - performance.now());
  }

  /** Whether the deadline has passed. */
  get expired(): boolean {
    return this.deadlineMonotonic <= performance.now();
  }

  /** The same call as seen by `module`'s handler (an event reaches each subscriber with its own). */
  servedBy(module: string): CallContext {
    const copy = new CallContext(this.rawTraceparent, this.rawCaller, this.deadlineMonotonic, this.wireMetadata);
    copy.parsedTrace = this.parsedTrace;
    copy.sanitizedCaller = this.sanitizedCaller;
    copy.module = module;
    return copy;
  }

  /**
   * Makes `spanId` the span of this call in this process (a tracer's server or delivery span),
   * so that calls and events made within it are its children. The trace id and flags stay.
   */
  enterSpan(spanId: string): void {
    const { traceId, flags } = this.trace;
    this.parsedTrace = { traceId, spanId, flags };
  }

  /**
   * Starts a new flow (at an edge: HTTP request, scheduled job, test). Accepts an incoming W3C
   * `traceparent`; anything invalid is replaced by a new trace.
   */
  static root(options: { traceparent?: unknown; caller?: string; budgetMs: number }): CallContext {
    return new CallContext(options.traceparent, options.caller, performance.now() + options.budgetMs);
  }

  /**
   * The context of a call that just arrived, from its (untrusted) metadata. Missing or invalid
   * fields fall back to a new trace, caller `unknown` and `defaultBudgetMs`.
   */
  static fromMetadata(metadata: unknown, defaultBudgetMs: number): CallContext {
    const fields = (typeof metadata === 'object' && metadata !== null ? metadata : {}) as Partial<CallMetadata>;
    const budget = sanitizeBudget(fields['seam-budget-ms'], defaultBudgetMs);
    return new CallContext(fields.traceparent, fields['seam-caller'], performance.now() + budget, fields);
  }

  /**
   * The context of a call from this very process, whose caller's deadline is known exactly
   * (in `performance.now()` time); the rest is read from the metadata as in `fromMetadata`.
   */
  static withDeadline(metadata: CallMetadata, deadline: number): CallContext {
    return new CallContext(metadata.traceparent, metadata['seam-caller'], deadline);
  }

  /**
   * The metadata of an outgoing call made within this context (or of a new flow when
   * `parent` is undefined): a child span, the calling module and the budget.
   */
  static outgoing(parent: CallContext | undefined, caller: string, budgetMs: number): CallMetadata {
    const traceparent = parent
      ? `00-${parent.trace.traceId}-${randomHex(8)}-${parent.trace.flags}`
      : `00-${randomHex(16)}-${randomHex(8)}-01`;
    return new OutgoingMetadata(traceparent, caller, String(Math.floor(budgetMs)));
  }
}

/** The metadata of an outgoing call: a class, not an object literal (see `OutgoingRequest` for why). */
class OutgoingMetadata implements CallMetadata {
  [key: string]: string;
  traceparent: string;
  'seam-caller': string;
  'seam-budget-ms': string;

  constructor(traceparent: string, caller: string, budgetMs: string) {
    this.traceparent = traceparent;
    this['seam-caller'] = caller;
    this['seam-budget-ms'] = budgetMs;
  }
}

/**
 * Caller names already found valid. A process hears from a handful of modules, so a set lookup
 * (the string's hash is cached) replaces the regular expression on almost every call; the set is
 * bounded, so names a hostile peer makes up cannot grow it.
 */
const validCallers = new Set<string>();
const MAX_REMEMBERED_CALLERS = 256;

function sanitizeCaller(value: unknown): string {
  if (typeof value !== 'string') return UNKNOWN_CALLER;
  if (validCallers.has(value)) return value;
  if (!CALLER_NAME.test(value)) return UNKNOWN_CALLER;
  if (validCallers.size < MAX_REMEMBERED_CALLERS) validCallers.add(value);
  return value;
}

function sanitizeBudget(value: unknown, fallback: number): number {
  if (typeof value !== 'string' || !BUDGET.test(value)) return fallback;
  const budget = Number(value);
  return budget > MAX_BUDGET_MS ? fallback : Math.max(0, budget);
}
