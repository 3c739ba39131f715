import { afterEach, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { exitWithin } from './exit-within.js';
import type { ShutdownBudget } from './shutdown-budget.js';

/** Far enough that the forced exit it arms never fires in a test run (the timer is unref'd). */
const NEVER_MS = 2_000_000_000;

describe('exitWithin', () => {
  const watched = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2', 'SIGQUIT', 'SIGSEGV'] as const;
  const before = new Map(watched.map((signal) => [signal, process.listeners(signal)]));
  afterEach(() => {
    for (const signal of watched)
      for (const listener of process.listeners(signal))
        if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
  });

  const recorder = (events: string[]): LoggerService => ({
    log: (message: unknown) => void events.push(`log: ${String(message)}`),
    error: (message: unknown) => void events.push(`error: ${String(message)}`),
    warn: () => undefined,
  });

  it('stops taking work before it logs "no new work", once per signal', () => {
    const events: string[] = [];
    exitWithin(NEVER_MS, recorder(events), () => events.push('stop taking work'));

    process.emit('SIGTERM', 'SIGTERM');

    expect(events).toEqual([
      'stop taking work',
      `log: SIGTERM: no new work; finishing what is in flight (at most ${NEVER_MS / 1_000} s)`,
    ]);
    process.emit('SIGTERM', 'SIGTERM');
    expect(events).toHaveLength(2);
  });

  it('hands the stop function the whole deadline as the budget of the shutdown, from the signal on', () => {
    let budget: ShutdownBudget | undefined;
    exitWithin(NEVER_MS, recorder([]), (given) => (budget = given));

    process.emit('SIGTERM', 'SIGTERM');

    expect(budget?.totalMs).toBe(NEVER_MS);
    expect(budget!.remainingMs()).toBeGreaterThan(NEVER_MS - 60_000);
  });

  it('logs without a stop function, as before', () => {
    const events: string[] = [];
    exitWithin(NEVER_MS, recorder(events));

    process.emit('SIGINT', 'SIGINT');

    expect(events).toEqual([`log: SIGINT: no new work; finishing what is in flight (at most ${NEVER_MS / 1_000} s)`]);
  });

  it('arms on SIGHUP too, and listens to no diagnostic or fault signal', () => {
    const events: string[] = [];
    exitWithin(NEVER_MS, recorder(events));
    // SIGUSR2 is Node's diagnostic-report and heap-snapshot signal; SIGQUIT dumps core; a listener
    // on SIGSEGV would keep a faulting process alive.
    for (const signal of ['SIGUSR2', 'SIGQUIT', 'SIGSEGV'] as const)
      expect(process.listeners(signal)).toEqual(before.get(signal));

    process.emit('SIGHUP', 'SIGHUP');

    expect(events).toEqual([`log: SIGHUP: no new work; finishing what is in flight (at most ${NEVER_MS / 1_000} s)`]);
  });
});
