/** Retries of idempotent calls. */
export interface RetrySettings {
  /** Attempts in all, the first included (1 = never retry). */
  maxAttempts: number;
  /** Pause before the first retry, in ms; doubles each time, with jitter. */
  initialDelayMs: number;
  /** Longest pause between attempts, in ms. */
  maxDelayMs: number;
  /** Retries allowed per first attempt, over time (0.2 = at most 20% extra load). */
  budgetRatio: number;
}

/** When the circuit opens, and when it tries again. */
export interface BreakerSettings {
  /** Share of failed calls (0..1) among the last `windowCalls` that opens the circuit. */
  failureRatio: number;
  /** Calls the window must hold before the ratio counts. */
  minimumCalls: number;
  /** Calls the ratio is measured over. */
  windowCalls: number;
  /** How long the circuit stays open before one probe call is let through, in ms. */
  halfOpenAfterMs: number;
}

/** How many calls may be in flight, and wait, at once. */
export interface BulkheadSettings {
  maxConcurrent: number;
  maxQueue: number;
}

/** The policy of calls to one module. */
export interface ModuleCallPolicy {
  /** Deadline of a call that sets none, in ms. */
  deadlineMs: number;
  retry: RetrySettings;
  breaker: BreakerSettings;
  bulkhead: BulkheadSettings;
}

/** Call policies: a default, and overrides per target module (section by section). */
export interface CallPoliciesConfig {
  default: ModuleCallPolicy;
  modules: Record<string, ModuleCallPolicy>;
}

/** The defaults: 5 s deadline, 3 attempts within a 20% budget, breaker at 50% of 20 calls, 100 + 200 in flight. */
export const DEFAULT_CALL_POLICY: ModuleCallPolicy = Object.freeze({
  deadlineMs: 5_000,
  retry: Object.freeze({ maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 1_000, budgetRatio: 0.2 }),
  breaker: Object.freeze({ failureRatio: 0.5, minimumCalls: 10, windowCalls: 20, halfOpenAfterMs: 5_000 }),
  bulkhead: Object.freeze({ maxConcurrent: 100, maxQueue: 200 }),
});

/** A call-policies file that cannot be used; names the file and the offending key. */
export class CallPoliciesError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'CallPoliciesError';
  }
}

type Limits = Record<string, { min: number; max: number; integer: boolean }>;

const LIMITS: Record<'retry' | 'breaker' | 'bulkhead', Limits> = {
  retry: {
    maxAttempts: { min: 1, max: 10, integer: true },
    initialDelayMs: { min: 1, max: 60_000, integer: true },
    maxDelayMs: { min: 1, max: 300_000, integer: true },
    budgetRatio: { min: 0, max: 1, integer: false },
  },
  breaker: {
    // cockatiel's CountBreaker takes a threshold strictly between 0 and 1.
    failureRatio: { min: 0.01, max: 0.99, integer: false },
    minimumCalls: { min: 1, max: 100_000, integer: true },
    windowCalls: { min: 1, max: 100_000, integer: true },
    halfOpenAfterMs: { min: 1, max: 3_600_000, integer: true },
  },
  bulkhead: {
    maxConcurrent: { min: 1, max: 1_000_000, integer: true },
    maxQueue: { min: 0, max: 1_000_000, integer: true },
  },
};

const MODULE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Reads a call-policies document: `{ "default": {…}, "modules": { "<module>": {…} } }`, each
 * policy with optional `deadlineMs`, `retry`, `breaker` and `bulkhead` sections whose fields
 * override the defaults. Strict: an unknown key, a wrong type or an out-of-range number is
 * refused with the file and the key named — a typo must not silently mean "no breaker".
 *
 * @throws CallPoliciesError
 */
export function parseCallPolicies(value: unknown, source: string): CallPoliciesConfig {
  const root = record(value, source, 'the document');
  allowOnly(root, ['default', 'modules', '$comment'], source, 'the document');
  const base =
    root.default === undefined ? DEFAULT_CALL_POLICY : policy(root.default, DEFAULT_CALL_POLICY, source, 'default');
  const modules: Record<string, ModuleCallPolicy> = {};
  const listed = root.modules === undefined ? {} : record(root.modules, source, 'modules');
  for (const [name, overrides] of Object.entries(listed)) {
    if (!MODULE_NAME.test(name))
      throw new CallPoliciesError(source, `modules: "${name.slice(0, 80)}" is not a module name (kebab-case)`);
    modules[name] = policy(overrides, base, source, `modules.${name}`);
  }
  const config = { default: base, modules };
  for (const [where, checked] of [
    ['default', base],
    ...Object.entries(modules).map(([name, each]) => [`modules.${name}`, each] as const),
  ] as const) {
    if (checked.retry.maxDelayMs < checked.retry.initialDelayMs)
      throw new CallPoliciesError(source, `${where}.retry.maxDelayMs must be at least initialDelayMs`);
    if (checked.breaker.minimumCalls > checked.breaker.windowCalls)
      throw new CallPoliciesError(source, `${where}.breaker.minimumCalls must not exceed windowCalls`);
  }
  return config;
}

function policy(value: unknown, base: ModuleCallPolicy, source: string, where: string): ModuleCallPolicy {
  const input = record(value, source, where);
  allowOnly(input, ['deadlineMs', 'retry', 'breaker', 'bulkhead'], source, where);
  const deadlineMs =
    input.deadlineMs === undefined
      ? base.deadlineMs
      : number(input.deadlineMs, { min: 1, max: 600_000, integer: true }, source, `${where}.deadlineMs`);
  return {
    deadlineMs,
    retry: section(input.retry, base.retry, LIMITS.retry, source, `${where}.retry`),
    breaker: section(input.breaker, base.breaker, LIMITS.breaker, source, `${where}.breaker`),
    bulkhead: section(input.bulkhead, base.bulkhead, LIMITS.bulkhead, source, `${where}.bulkhead`),
  };
}

function section<T extends object>(value: unknown, base: T, limits: Limits, source: string, where: string): T {
  if (value === undefined) return base;
  const input = record(value, source, where);
  allowOnly(input, Object.keys(limits), source, where);
  const result: Record<string, number> = { ...(base as Record<string, number>) };
  for (const [key, limit] of Object.entries(limits)) {
    if (input[key] !== undefined) result[key] = number(input[key], limit, source, `${where}.${key}`);
  }
  return result as T;
}

function record(value: unknown, source: string, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CallPoliciesError(source, `${where} must be an object`);
  return value as Record<string, unknown>;
}

function allowOnly(value: Record<string, unknown>, keys: string[], source: string, where: string): void {
  const unknown = Object.keys(value).filter((key) => !keys.includes(key));
  if (unknown.length > 0)
    throw new CallPoliciesError(
      source,
      `${where} has unknown key(s) ${unknown.map((key) => `"${key.slice(0, 80)}"`).join(', ')} (allowed: ${keys.filter((key) => key !== '$comment').join(', ')})`,
    );
}

function number(
  value: unknown,
  limit: { min: number; max: number; integer: boolean },
  source: string,
  where: string,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new CallPoliciesError(source, `${where} must be a number`);
  if (limit.integer && !Number.isInteger(value)) throw new CallPoliciesError(source, `${where} must be an integer`);
  if (value < limit.min || value > limit.max)
    throw new CallPoliciesError(source, `${where} must be between ${limit.min} and ${limit.max}, got ${value}`);
  return value;
}
