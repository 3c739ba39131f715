import { describe, expect, it } from '@jest/globals';
import { LoopStalls } from '@seam/testing';
import {
  CircuitOpenError,
  DeadlineExceededError,
  NotFoundError,
  OverloadedError,
  type RequestEntry,
  shuttingDownError,
  UnavailableError,
} from '@seam/transport';
import { DEFAULT_CALL_POLICY, type ModuleCallPolicy } from './call-policies.config.js';
import { ModulePolicy } from './module-policy.js';

const entry = (idempotent: boolean): RequestEntry => ({
  kind: 'request',
  module: 'payments',
  pattern: 'payments.get-payment',
  request: Object,
  response: Object,
  idempotent,
  callers: ['orders'],
});
const settings = (overrides: Partial<ModuleCallPolicy> = {}): ModuleCallPolicy => ({
  ...DEFAULT_CALL_POLICY,
  retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20, budgetRatio: 0.2 },
  breaker: { failureRatio: 0.5, minimumCalls: 4, windowCalls: 4, halfOpenAfterMs: 200 },
  ...overrides,
});
const later = () => performance.now() + 2_000;
const down = () => Promise.reject(new UnavailableError('callee is down'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A callee that fails the first `failures` attempts, counting every attempt. */
function flaky(failures: number) {
  const callee = { attempts: 0, call: async (): Promise<string> => (++callee.attempts <= failures ? down() : 'ok') };
  return callee;
}

describe('ModulePolicy', () => {
  describe('retries', () => {
    it('retries an idempotent entry after Unavailable, up to maxAttempts in all', async () => {
      const callee = flaky(2);
      await expect(new ModulePolicy('payments', settings()).execute(entry(true), later(), callee.call)).resolves.toBe(
        'ok',
      );
      expect(callee.attempts).toBe(3);
      const hopeless = flaky(10);
      await expect(
        new ModulePolicy('payments', settings()).execute(entry(true), later(), hopeless.call),
      ).rejects.toBeInstanceOf(UnavailableError);
      expect(hopeless.attempts).toBe(3);
    });

    it('never retries an entry the contract does not mark idempotent', async () => {
      const callee = flaky(1);
      await expect(
        new ModulePolicy('payments', settings()).execute(entry(false), later(), callee.call),
      ).rejects.toBeInstanceOf(UnavailableError);
      expect(callee.attempts).toBe(1);
    });

    it('never retries a business answer (NotFound)', async () => {
      let attempts = 0;
      const call = () => (attempts++, Promise.reject(new NotFoundError('no such payment')));
      await expect(new ModulePolicy('payments', settings()).execute(entry(true), later(), call)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(attempts).toBe(1);
    });

    it('gives each attempt only what is left of the deadline, and does not retry when too little is left', async () => {
      const budgets: number[] = [];
      // A 300 ms deadline and 150 ms attempts (not 30 / 15): the same proportions, so a first
      // attempt leaves room for one more and the second leaves too little for a third, but in
      // units a loaded 2-core CI machine's timer jitter and stalls do not blur.
      const deadlineAt = performance.now() + 300;
      const call = (timeoutMs: number) => (budgets.push(timeoutMs), sleep(150).then(down));
      await expect(
        new ModulePolicy(
          'payments',
          settings({ retry: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 10, budgetRatio: 1 } }),
        ).execute(entry(true), deadlineAt, call),
      ).rejects.toBeInstanceOf(UnavailableError);
      expect(budgets[0]).toBeLessThanOrEqual(300);
      expect(budgets.length).toBeLessThanOrEqual(2);
      // Each attempt got less than the one before: the deadline is the call's, not the attempt's.
      expect(budgets).toEqual(budgets.toSorted((a, b) => b - a));
      expect(new Set(budgets).size).toBe(budgets.length);
    });

    it('keeps retries within the budget: at most 20% extra attempts (plus the small reserve) when everything fails', async () => {
      const policy = new ModulePolicy(
        'payments',
        settings({
          breaker: { failureRatio: 0.99, minimumCalls: 100_000, windowCalls: 100_000, halfOpenAfterMs: 1_000 },
        }),
      );
      let attempts = 0;
      const calls = 200;
      for (let index = 0; index < calls; index++) {
        await policy.execute(entry(true), later(), () => (attempts++, down())).catch(() => undefined);
      }
      const extra = attempts - calls;
      expect(extra).toBeLessThanOrEqual(Math.ceil(calls * 0.2) + policy.budget.initial);
      expect(extra).toBeGreaterThan(0);
      expect(policy.stats.retriesDenied).toBeGreaterThan(0);
    });
  });

  describe('circuit breaker', () => {
    it('opens on the failure ratio over the minimum volume, then fails fast without calling the callee', async () => {
      const policy = new ModulePolicy('payments', settings());
      let reached = 0;
      for (let index = 0; index < 4; index++)
        await policy.execute(entry(false), later(), () => (reached++, down())).catch(() => undefined);
      expect(policy.circuit).toBe('open');
      const stalls = LoopStalls.watch();
      const started = performance.now();
      const error = await policy
        .execute(entry(false), later(), () => (reached++, Promise.resolve('ok')))
        .catch((thrown: unknown) => thrown);
      // + the longest stall of this process meanwhile (a loaded CI machine; see LoopStalls).
      expect(performance.now() - started).toBeLessThan(5 + stalls.stop());
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { reason: 'circuit-open', module: 'payments' } });
      expect(reached).toBe(4);
    });

    it('does not count the refusals of a replica shutting down: it ran nothing, and its successor is not unwell', async () => {
      const policy = new ModulePolicy('payments', settings());
      const refused = () => Promise.reject(shuttingDownError('tcp://10.0.0.7:4001'));
      for (let index = 0; index < 8; index++) {
        const error = await policy.execute(entry(false), later(), refused).catch((thrown: unknown) => thrown);
        expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { reason: 'shutting-down' } });
      }
      expect(policy.circuit).toBe('closed');
      await expect(policy.execute(entry(false), later(), () => Promise.resolve('ok'))).resolves.toBe('ok');
    });

    it('lets one probe through after halfOpenAfterMs, and closes when it succeeds', async () => {
      const policy = new ModulePolicy('payments', settings());
      for (let index = 0; index < 4; index++) await policy.execute(entry(false), later(), down).catch(() => undefined);
      await sleep(220);
      let probes = 0;
      const slowOk = () => (probes++, sleep(30).then(() => 'ok'));
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => policy.execute(entry(false), later(), slowOk)),
      );
      // One probe went first; the others waited for its outcome, then went through the closed circuit.
      expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(policy.circuit).toBe('closed');
      expect(probes).toBe(10);
    });

    it('closes with a fresh window when the probe is answered with a business error', async () => {
      const policy = new ModulePolicy('payments', settings());
      for (let index = 0; index < 4; index++) await policy.execute(entry(false), later(), down).catch(() => undefined);
      await sleep(220);
      const notFound = () => Promise.reject(new NotFoundError('no such payment'));
      await expect(policy.execute(entry(false), later(), notFound)).rejects.toBeInstanceOf(NotFoundError);
      expect(policy.circuit).toBe('closed');
      // The callee answered: the failures that opened the circuit are behind it, and one more
      // does not open it again (the window needs 4 calls, half failing).
      await policy.execute(entry(false), later(), down).catch(() => undefined);
      expect(policy.circuit).toBe('closed');
    });

    it('re-opens when the probe fails, and the callee saw only that one probe', async () => {
      const policy = new ModulePolicy('payments', settings());
      for (let index = 0; index < 4; index++) await policy.execute(entry(false), later(), down).catch(() => undefined);
      await sleep(220);
      let reached = 0;
      const slowDown = () => (reached++, sleep(30).then(down));
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => policy.execute(entry(false), later(), slowDown)),
      );
      expect(reached).toBe(1);
      expect(policy.circuit).toBe('open');
      expect(
        results.filter((result) => result.status === 'rejected' && result.reason instanceof CircuitOpenError),
      ).toHaveLength(9);
    });
  });

  describe('deadlines that pass on this side', () => {
    /** A callee answering after `ms`; records every budget it was handed. */
    const answeringAfter = (ms: number, budgets: number[] = []) => ({
      budgets,
      call: (timeoutMs: number) => (budgets.push(timeoutMs), sleep(ms).then(() => 'ok')),
    });
    /** When `call` settled, in ms after `started`. */
    const settledAfter = (call: Promise<unknown>, started: number) =>
      call.then(
        () => ({ error: undefined, ms: performance.now() - started }),
        (error: unknown) => ({ error, ms: performance.now() - started }),
      );

    it('holds callers behind a slow probe no longer than their deadlines, and a good probe closes the circuit', async () => {
      const policy = new ModulePolicy('payments', settings());
      for (let index = 0; index < 4; index++) await policy.execute(entry(false), later(), down).catch(() => undefined);
      await sleep(220);
      const callee = answeringAfter(300);
      const probe = policy.execute(entry(false), later(), callee.call);
      const started = performance.now();
      const waiters = await Promise.all(
        Array.from({ length: 10 }, () =>
          settledAfter(policy.execute(entry(false), started + 100, callee.call), started),
        ),
      );
      await expect(probe).resolves.toBe('ok');
      for (const { error, ms } of waiters) {
        expect(error).toBeInstanceOf(DeadlineExceededError);
        // 100 ms is their deadline; the probe took 300. A loaded machine may be late by a stall.
        expect(ms).toBeLessThan(280);
      }
      expect(callee.budgets).toHaveLength(1); // only the probe reached the callee
      // Their deadlines passed here, not at the callee: nothing counts against it.
      expect(policy.circuit).toBe('closed');
      await expect(policy.execute(entry(false), later(), callee.call)).resolves.toBe('ok');
    });

    it('fails a call queued for the bulkhead at its deadline, unsent, without counting it against the callee', async () => {
      const policy = new ModulePolicy(
        'payments',
        settings({ bulkhead: { maxConcurrent: 2, maxQueue: 10 }, breaker: { ...settings().breaker, minimumCalls: 2 } }),
      );
      const callee = answeringAfter(400);
      const busy = [0, 1].map(() => policy.execute(entry(false), later(), callee.call));
      const started = performance.now();
      const queued = await Promise.all(
        Array.from({ length: 6 }, () => settledAfter(policy.execute(entry(false), started + 60, callee.call), started)),
      );
      for (const { error, ms } of queued) {
        expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
        expect(ms).toBeLessThan(350);
      }
      await Promise.all(busy);
      await sleep(20); // the queued calls get their turn now, find their deadlines gone, and are not sent
      expect(callee.budgets).toHaveLength(2);
      expect(policy.circuit).toBe('closed');
    });

    it('never sends a retry whose pause ran into the deadline, nor counts it against the callee', async () => {
      const policy = new ModulePolicy(
        'payments',
        settings({
          retry: { maxAttempts: 3, initialDelayMs: 40, maxDelayMs: 400, budgetRatio: 1 },
          breaker: { failureRatio: 0.99, minimumCalls: 1_000, windowCalls: 1_000, halfOpenAfterMs: 1_000 },
        }),
      );
      const budgets: number[] = [];
      const failing = (timeoutMs: number) => (budgets.push(timeoutMs), down());
      for (let call = 0; call < 30; call++) {
        const error = await policy.execute(entry(true), performance.now() + 70, failing).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnavailableError);
      }
      expect(Math.min(...budgets)).toBeGreaterThanOrEqual(1);
    });
  });

  it('fails a retry its pause overslept (a stalled loop) with the failure that called for it, unsent', async () => {
    const policy = new ModulePolicy(
      'payments',
      settings({ retry: { maxAttempts: 3, initialDelayMs: 40, maxDelayMs: 400, budgetRatio: 1 } }),
    );
    let attempts = 0;
    const failing = () => {
      attempts++;
      // The loop stalls past the deadline while the retry waits out its pause.
      setTimeout(() => {
        const until = performance.now() + 150;
        while (performance.now() < until);
      }, 0);
      return Promise.reject(new UnavailableError('callee is down', { endpoint: 'tcp://10.0.0.7:4001' }));
    };
    const error = await policy.execute(entry(true), performance.now() + 100, failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ message: 'callee is down' });
    expect(attempts).toBe(1);
  });

  describe('bulkhead', () => {
    it('runs maxConcurrent at once, queues maxQueue, and refuses the rest with a typed OverloadedError', async () => {
      const policy = new ModulePolicy('payments', settings({ bulkhead: { maxConcurrent: 2, maxQueue: 1 } }));
      let inFlight = 0;
      let peak = 0;
      const slow = async () => {
        peak = Math.max(peak, ++inFlight);
        await sleep(30);
        inFlight--;
        return 'ok';
      };
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => policy.execute(entry(false), later(), slow)),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
      const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      expect(refused).toHaveLength(2);
      for (const error of refused) expect(error).toBeInstanceOf(OverloadedError);
      expect(refused[0]).toMatchObject({ code: 'UNAVAILABLE', details: { reason: 'overloaded', module: 'payments' } });
      expect(peak).toBe(2);
    });
  });

  it('describes itself in one line for the start-up log', () => {
    expect(new ModulePolicy('payments', DEFAULT_CALL_POLICY).describe()).toBe(
      'calls to payments: deadline 5000 ms; retries: up to 2 for idempotent entries (backoff 50–1000 ms, budget 20%); ' +
        'breaker: opens at 50% failures of the last 20 calls (at least 10), probes after 5000 ms; bulkhead: 100 in flight + 200 waiting',
    );
  });
});
