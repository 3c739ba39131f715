import { afterEach, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { exitWithin } from './exit-within.js';

/** Far enough that the forced exit it arms never fires in a test run (the timer is unref'd). */
const NEVER_MS = 2_000_000_000;

describe('exitWithin', () => {
  const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
  afterEach(() => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      for (const listener of process.listeners(signal))
        if (!before[signal].includes(listener)) process.removeListener(signal, listener);
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

  it('logs without a stop function, as before', () => {
    const events: string[] = [];
    exitWithin(NEVER_MS, recorder(events));

    process.emit('SIGINT', 'SIGINT');

    expect(events).toEqual([`log: SIGINT: no new work; finishing what is in flight (at most ${NEVER_MS / 1_000} s)`]);
  });
});
