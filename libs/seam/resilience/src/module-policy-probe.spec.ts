import { describe, expect, it, jest } from '@jest/globals';
import { CircuitOpenError, DeadlineExceededError, type RequestEntry, UnavailableError } from '@seam/transport';
import { DEFAULT_CALL_POLICY } from './call-policies.config.js';
import { ModulePolicy } from './module-policy.js';

const entry: RequestEntry = {
  kind: 'request',
  module: 'payments',
  pattern: 'payments.get-payment',
  request: Object,
  response: Object,
  idempotent: false,
  callers: ['orders'],
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const later = () => performance.now() + 10_000;

describe('ModulePolicy: a half-open probe that never reached the callee', () => {
  it('leaves the circuit open when the probe’s deadline passed in the bulkhead queue', async () => {
    // The breaker's clock (cockatiel reads Date.now) is moved by hand: a stalled test machine must
    // not let a half-open period pass between the probe and the call after it.
    let clock = Date.now();
    const breakerClock = jest.spyOn(Date, 'now').mockImplementation(() => clock);
    // One failure in a window of one opens the circuit; two slots, one queue place.
    const policy = new ModulePolicy('payments', {
      ...DEFAULT_CALL_POLICY,
      breaker: { failureRatio: 0.5, minimumCalls: 1, windowCalls: 1, halfOpenAfterMs: 60_000 },
      bulkhead: { maxConcurrent: 2, maxQueue: 1 },
    });
    let reached = 0;
    let fail!: () => void;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    // Calls made while the circuit was closed, with long deadlines: the callee hangs on them.
    const hanging = () => (reached++, finished.then(() => 'late'));
    const held = [
      policy.execute(entry, later(), hanging),
      policy.execute(
        entry,
        later(),
        () => (reached++, new Promise((_, reject) => (fail = () => reject(new UnavailableError('down'))))),
      ),
      policy.execute(entry, later(), hanging), // queued: takes the failed call's slot
    ];
    try {
      await sleep(0);
      fail();
      await held[1]!.catch(() => undefined);
      expect(policy.circuit).toBe('open');
      expect(reached).toBe(3);

      clock += 61_000;
      // The probe waits for a slot behind the hanging calls, and its deadline passes there, unsent.
      const probe = await policy.execute(entry, performance.now() + 50, hanging).catch((error: unknown) => error);
      expect(probe).toBeInstanceOf(DeadlineExceededError);
      expect(reached).toBe(3);
      // Nothing was learned of the callee: the circuit must not close (it closed, before, and the
      // next calls went on to the callee, or queued for it until their deadlines).
      expect(policy.circuit).toBe('open');
      const next = await policy.execute(entry, later(), hanging).catch((error: unknown) => error);
      expect(next).toBeInstanceOf(CircuitOpenError);
      expect(reached).toBe(3);
    } finally {
      breakerClock.mockRestore();
      finish();
      await Promise.allSettled(held);
    }
  });
});
