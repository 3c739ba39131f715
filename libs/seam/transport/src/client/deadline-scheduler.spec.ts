import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';
import * as fc from 'fast-check';
import { DeadlineScheduler, type DeadlineTicket, type Expirable } from './deadline-scheduler.js';

// Jest 30's modern fake timers replace `performance` too (it is in their default `toFake` list),
// so the scheduler's `performance.now()` and its `setTimeout` share one fake clock. The first
// test below checks that assumption: every other timing assertion relies on it.

/** Grouping lets a deadline fire late by at most 1% of its duration. */
const LATE_FACTOR = 1.01;
const HOUR = 3_600_000;

interface Firing {
  name: string;
  /** Milliseconds since the recorder was created. */
  at: number;
}

/** Targets that record when they expire. */
class Recorder {
  readonly firings: Firing[] = [];
  private readonly start = performance.now();

  target(name: string): Expirable {
    return { expire: () => void this.firings.push({ name, at: performance.now() - this.start }) };
  }

  names(): string[] {
    return this.firings.map((firing) => firing.name);
  }

  firedAt(name: string): number[] {
    return this.firings.filter((firing) => firing.name === name).map((firing) => firing.at);
  }
}

/** Number of referenced (process-keeping) Node timers, from Node's public resource list. */
function refedTimeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe('DeadlineScheduler', () => {
  let scheduler: DeadlineScheduler;
  let recorder: Recorder;

  beforeEach(() => {
    jest.useFakeTimers();
    scheduler = new DeadlineScheduler();
    recorder = new Recorder();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('schedule', () => {
    it('is measured on the fake clock (precondition of the timing tests)', () => {
      const before = performance.now();
      jest.advanceTimersByTime(1_234);
      expect(performance.now() - before).toBe(1_234);
    });

    it('waits out a deadline longer than a timer can (30 days) in timers Node honours, firing it once on time', () => {
      const armed = jest.spyOn(globalThis, 'setTimeout');
      const days30 = 30 * 24 * HOUR;
      scheduler.schedule(days30, recorder.target('month'));
      jest.advanceTimersByTime(days30 - 1);
      expect(recorder.firings).toEqual([]);
      jest.advanceTimersByTime(days30 * 0.01 + 1);
      expect(recorder.names()).toEqual(['month']);
      // Node fires a timer of more than 2^31 - 1 ms after 1 ms: every one armed must be shorter.
      const delays = armed.mock.calls.map(([, delay]) => delay as number);
      expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
      expect(delays.length).toBeLessThan(5);
      armed.mockRestore();
    });

    it('fires a deadline once, not before its time', () => {
      scheduler.schedule(1_000, recorder.target('a'));
      jest.advanceTimersByTime(999);
      expect(recorder.firings).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(recorder.firings).toEqual([{ name: 'a', at: 1_000 }]);
      jest.advanceTimersByTime(10 * HOUR);
      expect(recorder.firings).toHaveLength(1);
    });

    it.each([1, 2, 7, 99, 100, 101, 999, 1_000, 1_001, 4_999, 5_000, 5_001, 60_000, HOUR])(
      'fires a deadline of %i ms not early and at most 1%% late',
      (ms) => {
        scheduler.schedule(ms, recorder.target('a'));
        jest.advanceTimersByTime(ms - 1);
        expect(recorder.firings).toEqual([]);
        jest.advanceTimersByTime(Math.ceil(ms * (LATE_FACTOR - 1)) + 1);
        expect(recorder.firings).toHaveLength(1);
        expect(recorder.firedAt('a')[0]).toBeGreaterThanOrEqual(ms);
        expect(recorder.firedAt('a')[0]).toBeLessThanOrEqual(ms * LATE_FACTOR);
      },
    );

    // Pairs that share a lane (3 significant digits), the longer one first: the shorter one
    // waits behind it, which is the worst lateness grouping allows.
    it.each([
      [5_000, 4_999],
      [5_000, 4_991],
      [1_010, 1_001],
      [10_100, 10_001],
      [HOUR, 3_590_001],
    ])('fires %i ms and %i ms scheduled together both not early and at most 1%% late', (first, second) => {
      scheduler.schedule(first, recorder.target('first'));
      scheduler.schedule(second, recorder.target('second'));
      jest.advanceTimersByTime(second - 1);
      expect(recorder.firings).toEqual([]);
      jest.advanceTimersByTime(first * LATE_FACTOR);
      for (const [name, ms] of [
        ['first', first],
        ['second', second],
      ] as const) {
        expect(recorder.firedAt(name)).toHaveLength(1);
        expect(recorder.firedAt(name)[0]).toBeGreaterThanOrEqual(ms);
        expect(recorder.firedAt(name)[0]).toBeLessThanOrEqual(ms * LATE_FACTOR);
      }
    });

    it('fires a shorter deadline of the same lane at its own time when it was scheduled first', () => {
      scheduler.schedule(4_999, recorder.target('short'));
      scheduler.schedule(5_000, recorder.target('long'));
      jest.advanceTimersByTime(4_999);
      expect(recorder.firings).toEqual([{ name: 'short', at: 4_999 }]);
      jest.advanceTimersByTime(1);
      expect(recorder.firings).toEqual([
        { name: 'short', at: 4_999 },
        { name: 'long', at: 5_000 },
      ]);
    });

    it('fires deadlines of the same duration in the order they were scheduled, each on time', () => {
      for (const name of ['a', 'b', 'c', 'd']) {
        scheduler.schedule(1_000, recorder.target(name));
        jest.advanceTimersByTime(10);
      }
      jest.advanceTimersByTime(2_000);
      expect(recorder.firings).toEqual([
        { name: 'a', at: 1_000 },
        { name: 'b', at: 1_010 },
        { name: 'c', at: 1_020 },
        { name: 'd', at: 1_030 },
      ]);
    });

    it('fires deadlines of different durations in the order of their deadlines', () => {
      const durations = [300, 10, HOUR, 5_000, 42, 1_000, 100_000, 1];
      for (const ms of durations) scheduler.schedule(ms, recorder.target(String(ms)));
      jest.advanceTimersByTime(2 * HOUR);
      const sorted = durations.toSorted((a, b) => a - b);
      expect(recorder.firings).toEqual(sorted.map((ms) => ({ name: String(ms), at: ms })));
    });

    it('interleaves lanes by deadline when deadlines were scheduled at different times', () => {
      scheduler.schedule(1_000, recorder.target('a@1000'));
      jest.advanceTimersByTime(100);
      scheduler.schedule(500, recorder.target('b@600'));
      scheduler.schedule(1_000, recorder.target('c@1100'));
      jest.advanceTimersByTime(2_000);
      expect(recorder.firings).toEqual([
        { name: 'b@600', at: 600 },
        { name: 'a@1000', at: 1_000 },
        { name: 'c@1100', at: 1_100 },
      ]);
    });

    it('arms a single timer for a deadline scheduled while another one of its lane expires', () => {
      const follower = recorder.target('follower');
      let followerTicket: DeadlineTicket | undefined;
      scheduler.schedule(1_000, {
        expire: () => {
          followerTicket = scheduler.schedule(1_000, follower);
        },
      });
      jest.advanceTimersByTime(1_000);
      expect(followerTicket).toBeDefined();
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(1_000);
      expect(recorder.firings).toEqual([{ name: 'follower', at: 2_000 }]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('keeps every promise on random schedules and cancellations between 1 ms and 1 h', () => {
      const plan = fc.record({
        wait: fc.integer({ min: 0, max: 10_000 }),
        ms: fc.oneof(
          fc.integer({ min: 1, max: 200 }),
          fc.integer({ min: 1, max: 20_000 }),
          fc.integer({ min: 1, max: HOUR }),
        ),
        cancelAfter: fc.option(fc.integer({ min: 0, max: HOUR }), { nil: undefined }),
      });
      fc.assert(
        fc.property(fc.array(plan, { minLength: 1, maxLength: 40 }), (plans) => {
          const local = new DeadlineScheduler();
          const runs = new Recorder();
          let startAt = 0;
          plans.forEach(({ wait, ms, cancelAfter }, index) => {
            startAt += wait;
            setTimeout(() => {
              const ticket = local.schedule(ms, runs.target(String(index)));
              if (cancelAfter !== undefined) setTimeout(() => local.cancel(ticket), cancelAfter);
            }, startAt);
          });
          jest.advanceTimersByTime(startAt + 2 * HOUR);
          const violations: string[] = [];
          plans.forEach(({ ms, cancelAfter }, index) => {
            const fired = runs.firedAt(String(index));
            const scheduledAt = plans.slice(0, index + 1).reduce((sum, { wait }) => sum + wait, 0);
            // A 0 ms timer set from a timer callback runs 1 ms later, in Node as on the fake clock.
            const cancelAt = cancelAfter === undefined ? undefined : Math.max(1, cancelAfter);
            const cancelledBefore = cancelAt !== undefined && cancelAt < ms;
            const cancelledAfter = cancelAt === undefined || cancelAt > ms * LATE_FACTOR;
            if (cancelledBefore && fired.length > 0) violations.push(`#${index} fired although cancelled first`);
            if (cancelledAfter && fired.length !== 1) violations.push(`#${index} fired ${fired.length} times`);
            if (fired.length > 1) violations.push(`#${index} fired ${fired.length} times`);
            for (const at of fired) {
              const after = at - scheduledAt;
              if (after < ms || after > ms * LATE_FACTOR)
                violations.push(`#${index} (${ms} ms) fired after ${after} ms`);
            }
          });
          expect(violations).toEqual([]);
          expect(jest.getTimerCount()).toBe(0);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('cancel', () => {
    it('prevents a deadline from firing', () => {
      const ticket = scheduler.schedule(1_000, recorder.target('a'));
      jest.advanceTimersByTime(500);
      scheduler.cancel(ticket);
      jest.advanceTimersByTime(10_000);
      expect(recorder.firings).toEqual([]);
    });

    it('is idempotent: cancelling twice does not disturb the other deadlines of the lane', () => {
      const a = scheduler.schedule(1_000, recorder.target('a'));
      scheduler.schedule(1_000, recorder.target('b'));
      scheduler.cancel(a);
      scheduler.cancel(a);
      scheduler.cancel(a);
      jest.advanceTimersByTime(1_000);
      expect(recorder.firings).toEqual([{ name: 'b', at: 1_000 }]);
    });

    it('is a no-op for a deadline that already fired', () => {
      const a = scheduler.schedule(1_000, recorder.target('a'));
      jest.advanceTimersByTime(500);
      scheduler.schedule(1_000, recorder.target('b'));
      jest.advanceTimersByTime(500);
      scheduler.cancel(a);
      jest.advanceTimersByTime(500);
      expect(recorder.firings).toEqual([
        { name: 'a', at: 1_000 },
        { name: 'b', at: 1_500 },
      ]);
    });

    it('lets the next deadline of the lane fire on time when the head is cancelled', () => {
      const head = scheduler.schedule(1_000, recorder.target('head'));
      jest.advanceTimersByTime(100);
      scheduler.schedule(1_000, recorder.target('next'));
      scheduler.cancel(head);
      jest.advanceTimersByTime(999);
      expect(recorder.firings).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(recorder.firings).toEqual([{ name: 'next', at: 1_100 }]);
    });

    it('lets a later deadline fire on time after many earlier ones of its lane were cancelled', () => {
      const early = Array.from({ length: 5_000 }, () => scheduler.schedule(1_000, recorder.target('early')));
      jest.advanceTimersByTime(10);
      scheduler.schedule(1_000, recorder.target('late'));
      for (const ticket of early) scheduler.cancel(ticket);
      jest.advanceTimersByTime(999);
      expect(recorder.firings).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(recorder.firings).toEqual([{ name: 'late', at: 1_010 }]);
    });

    it('leaves no timer after 10,000 schedule/cancel cycles once the idle lane timer has run', () => {
      for (let i = 0; i < 10_000; i++) scheduler.cancel(scheduler.schedule(5_000, recorder.target('cycled')));
      expect(jest.getTimerCount()).toBeLessThanOrEqual(1);
      jest.advanceTimersByTime(5_000);
      expect(jest.getTimerCount()).toBe(0);
      expect(recorder.firings).toEqual([]);
    });

    it('still fires a new deadline in a lane whose idle timer was kept', () => {
      scheduler.cancel(scheduler.schedule(1_000, recorder.target('cancelled')));
      jest.advanceTimersByTime(300);
      scheduler.schedule(1_000, recorder.target('b'));
      jest.advanceTimersByTime(999);
      expect(recorder.firings).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(recorder.firings).toEqual([{ name: 'b', at: 1_300 }]);
    });

    describe('with real timers', () => {
      beforeEach(() => {
        jest.useRealTimers();
      });

      it('leaves no timer keeping the process alive after 10,000 schedule/cancel cycles', () => {
        const never: Expirable = { expire: () => undefined };
        const baseline = refedTimeouts();
        const ticket = scheduler.schedule(HOUR, never);
        expect(refedTimeouts()).toBe(baseline + 1);
        scheduler.cancel(ticket);
        for (let i = 0; i < 10_000; i++) scheduler.cancel(scheduler.schedule(HOUR + (i % 3) * 1_000_000, never));
        expect(refedTimeouts()).toBe(baseline);
      });

      it('keeps the process alive again while a deadline is pending in an idle lane', () => {
        const never: Expirable = { expire: () => undefined };
        const baseline = refedTimeouts();
        scheduler.cancel(scheduler.schedule(HOUR, never));
        const ticket = scheduler.schedule(HOUR, never);
        expect(refedTimeouts()).toBe(baseline + 1);
        scheduler.cancel(ticket);
        expect(refedTimeouts()).toBe(baseline);
      });

      it('lets a reply that arrived while the event loop was stalled win over a deadline that passed during the stall', async () => {
        // A socket pair on loopback. The reply is written by the callee's socket just before this
        // process stalls inside an I/O callback (as a request handler would), so it waits unread
        // in the kernel while the deadline falls due: after such a stall timers run before I/O is read.
        const outcome = await new Promise<string>((resolve, reject) => {
          let callee: Socket | undefined;
          const server = createServer((socket) => {
            callee = socket.on('error', () => undefined);
            socket.write('request-taken');
          });
          server.listen(0, '127.0.0.1', () => {
            const caller = connect((server.address() as AddressInfo).port, '127.0.0.1');
            const finish = (what: string) => {
              caller.destroy();
              server.close();
              resolve(what);
            };
            let ticket: DeadlineTicket | undefined;
            caller.on('data', (chunk: Buffer) => {
              if (chunk.toString() === 'reply') {
                scheduler.cancel(ticket!);
                return finish('reply');
              }
              ticket = scheduler.schedule(20, { expire: () => finish('deadline') });
              callee!.write('reply'); // on its way: in the caller's socket, not read yet
              const stalled = performance.now();
              while (performance.now() - stalled < 200); // the stall: the deadline passes meanwhile
            });
            caller.on('error', reject);
          });
        });
        expect(outcome).toBe('reply');
      });

      it('still expires a deadline that passed during a stall when no reply came', async () => {
        const expired = await new Promise<number>((resolve) => {
          const started = performance.now();
          scheduler.schedule(20, { expire: () => resolve(performance.now() - started) });
          const stalled = performance.now();
          while (performance.now() - stalled < 100);
        });
        expect(expired).toBeGreaterThanOrEqual(100);
        expect(expired).toBeLessThan(1_000);
      });
    });
  });
});
