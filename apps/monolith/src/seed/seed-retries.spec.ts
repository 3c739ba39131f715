import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { DeadlineExceededError, UnavailableError, ValidationError } from '@seam/transport';
import { SeedRetries } from './seed-retries.js';

/** What the retries logged, by level. */
class Lines implements LoggerService {
  readonly logged: Array<{ level: string; message: string }> = [];
  log(message: string) {
    this.logged.push({ level: 'log', message });
  }
  warn(message: string) {
    this.logged.push({ level: 'warn', message });
  }
  error(message: string) {
    this.logged.push({ level: 'error', message });
  }
  at(level: string): string[] {
    return this.logged.filter((line) => line.level === level).map(({ message }) => message);
  }
}

/** A step that fails with each of `failures` in turn, then succeeds; it notes the (fake) time of each try. */
function step(failures: Error[]) {
  const triedAt: number[] = [];
  const work = async () => {
    triedAt.push(Date.now());
    const failure = failures[triedAt.length - 1];
    if (failure) throw failure;
  };
  return { triedAt, work };
}

const unavailable = () => new UnavailableError('tcp://127.0.0.1:4101 is unavailable: connect ECONNREFUSED');

describe('SeedRetries', () => {
  let lines: Lines;
  let retries: SeedRetries;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    lines = new Lines();
    retries = new SeedRetries(lines);
  });

  afterEach(() => {
    retries.stop();
    jest.useRealTimers();
  });

  describe('run', () => {
    it('tries a step that failed on a neighbour again, waiting 1 s doubled up to 30 s, until it succeeds', async () => {
      const { triedAt, work } = step([...Array.from({ length: 7 }, unavailable), new DeadlineExceededError('slow')]);
      await retries.run('the admin account', work);
      expect(triedAt).toEqual([0]);

      await jest.advanceTimersByTimeAsync(10 * 60_000);

      const waits = triedAt.slice(1).map((at, index) => at - triedAt[index]!);
      expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
      // One warning per failed try, none an error; nothing left scheduled once it succeeded.
      expect(lines.at('warn')).toHaveLength(8);
      expect(lines.at('warn')[0]).toBe(
        'Could not seed the admin account (try 1): UnavailableError: tcp://127.0.0.1:4101 is unavailable: connect ECONNREFUSED; trying again in 1 s',
      );
      expect(lines.at('warn')[7]).toMatch(/\(try 8\): DeadlineExceededError: slow; trying again in 30 s$/);
      expect(lines.at('error')).toEqual([]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('does not try again a step the neighbour refused: it logs an error once', async () => {
      const { triedAt, work } = step([new ValidationError('password too short')]);
      await retries.run('the admin account', work);
      await jest.advanceTimersByTimeAsync(10 * 60_000);

      expect(triedAt).toHaveLength(1);
      expect(lines.at('error')).toEqual(['Could not seed the admin account: ValidationError: password too short']);
      expect(lines.at('warn')).toEqual([]);
    });

    it('runs each try inside the scope it was given, its warning included', async () => {
      let scopes = 0;
      let inScope = false;
      const warnedInScope: boolean[] = [];
      const logger: LoggerService = {
        log: () => undefined,
        error: () => undefined,
        warn: () => warnedInScope.push(inScope),
      };
      const scoped = new SeedRetries(logger, async (work) => {
        scopes += 1;
        inScope = true;
        try {
          await work();
        } finally {
          inScope = false;
        }
      });
      await scoped.run('the demo catalog', step([unavailable()]).work);
      await jest.advanceTimersByTimeAsync(1_000);
      scoped.stop();

      expect(scopes).toBe(2);
      expect(warnedInScope).toEqual([true]);
    });
  });

  describe('stop', () => {
    it('cancels the wait for the next try: no timer is left, and no try runs after it', async () => {
      const { triedAt, work } = step(Array.from({ length: 100 }, unavailable));
      await retries.run('the demo catalog', work);
      expect(jest.getTimerCount()).toBe(1);

      retries.stop();

      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(10 * 60_000);
      expect(triedAt).toHaveLength(1);
      expect(lines.at('warn')).toEqual([
        expect.stringContaining('Could not seed the demo catalog (try 1)'),
        'Shutting down before the demo catalog could be seeded: stopped trying',
      ]);
    });

    it('lets a try in flight make no further call, and logs nothing of its failure', async () => {
      let release!: () => void;
      const answered = new Promise<void>((resolve) => (release = resolve));
      const calls: string[] = [];
      const work = async () => {
        retries.checkRunning();
        calls.push('registerUser');
        await answered;
        retries.checkRunning();
        calls.push('grantRoles');
      };
      const first = retries.run('the admin account', work);

      retries.stop();
      release();
      await first;

      expect(calls).toEqual(['registerUser']);
      expect(jest.getTimerCount()).toBe(0);
      expect(lines.logged).toEqual([]);
    });
  });
});
