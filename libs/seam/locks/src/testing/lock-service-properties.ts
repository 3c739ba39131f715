import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { eventually } from '@seam/testing';
import { ValidationError } from '@seam/transport';
import { MAX_LOCK_DURATION_MS } from '../acquire-options.js';
import { FencedMemoryStore, StaleTokenError } from '../fenced-resource.js';
import {
  type AcquireOptions,
  InvalidLockOptionError,
  type Lock,
  type LockService,
  LockUnavailableError,
} from '../lock.service.js';

/**
 * Durations `acquire` must refuse, with how the error shows each: Redis refuses some with a raw
 * error, and Node.js runs a timer longer than 2^31 − 1 ms after 1 ms.
 */
const HOSTILE_DURATIONS: Array<[option: 'ttlMs' | 'waitMs', value: unknown, shown: string]> = [
  ['ttlMs', 0, '0'],
  ['ttlMs', 1.5, '1.5'],
  ['ttlMs', -5, '-5'],
  ['ttlMs', Number.NaN, 'NaN'],
  ['ttlMs', Number.POSITIVE_INFINITY, 'Infinity'],
  ['ttlMs', 2 ** 31, '2147483648'],
  ['ttlMs', 3e9, '3000000000'],
  ['ttlMs', '1000', '"1000"'],
  ['waitMs', -1, '-1'],
  ['waitMs', 0.5, '0.5'],
  ['waitMs', Number.NaN, 'NaN'],
  ['waitMs', 2 ** 31, '2147483648'],
];

/**
 * The behaviour every {@link LockService} implementation must show, as one jest block:
 * `services()` returns two instances sharing one store (the same instance twice when sharing
 * is the only option).
 */
export function lockServiceProperties(services: () => [LockService, LockService]): void {
  const resource = (): string => `resource-${randomBytes(4).toString('hex')}`;

  describe('acquire', () => {
    it('lets exactly one of 50 concurrent contenders in at a time, with strictly increasing tokens', async () => {
      const [one, two] = services();
      const name = resource();
      let inside = 0;
      let overlaps = 0;
      const tokens: number[] = [];
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const lock = await (i % 2 ? one : two).acquire(name, { ttlMs: 5_000, waitMs: 10_000 });
          inside += 1;
          if (inside > 1) overlaps += 1;
          tokens.push(lock.token);
          await new Promise((resolve) => setImmediate(resolve));
          inside -= 1;
          await lock.release();
        }),
      );
      expect(overlaps).toBe(0);
      expect(tokens).toHaveLength(50);
      expect(tokens).toEqual(tokens.toSorted((a, b) => a - b));
      expect(new Set(tokens).size).toBe(50);
    });

    it('fails at once with LockUnavailableError carrying the resource when held and waitMs is 0', async () => {
      const [one, two] = services();
      const name = resource();
      const held = await one.acquire(name, { ttlMs: 5_000 });
      const error = await two.acquire(name, { ttlMs: 5_000 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LockUnavailableError);
      expect((error as LockUnavailableError).details).toMatchObject({ resource: name });
      await held.release();
      const next = await two.acquire(name, { ttlMs: 5_000 });
      expect(next.token).toBeGreaterThan(held.token);
      await next.release();
    });

    it('gives up after waitMs while the holder keeps the lock', async () => {
      const [one, two] = services();
      const name = resource();
      const held = await one.acquire(name, { ttlMs: 5_000 });
      const startedAt = performance.now();
      await expect(two.acquire(name, { ttlMs: 5_000, waitMs: 80 })).rejects.toBeInstanceOf(LockUnavailableError);
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(70);
      await held.release();
    });

    it('stops waiting with the reason of an aborted signal', async () => {
      const [one, two] = services();
      const name = resource();
      const held = await one.acquire(name, { ttlMs: 5_000 });
      const waiting = two.acquire(name, { ttlMs: 5_000, waitMs: 5_000, signal: AbortSignal.timeout(30) });
      await expect(waiting).rejects.toMatchObject({ name: 'TimeoutError' });
      await held.release();
    });
  });

  describe('options', () => {
    it.each(HOSTILE_DURATIONS)(
      'refuses %s %p with an InvalidLockOptionError naming it, and takes nothing',
      async (option, value, shown) => {
        const [one, two] = services();
        const name = resource();
        const options = { ttlMs: 5_000, [option]: value } as AcquireOptions;
        const error = await one.acquire(name, options).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(InvalidLockOptionError);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({
          message: `Lock option ${option} must be an integer from ${option === 'ttlMs' ? 1 : 0} to ${MAX_LOCK_DURATION_MS} (ms), got ${shown}`,
          details: { option, value: shown },
        });
        const next = await two.acquire(name, { ttlMs: 5_000 });
        await next.release();
      },
    );
  });

  describe('ttl', () => {
    it('hands an unrenewed lock to the next acquirer with a larger token, and the fenced resource refuses the stale holder', async () => {
      const [one, two] = services();
      const name = resource();
      const store = new FencedMemoryStore<string>();
      const stale = await one.acquire(name, { ttlMs: 100, renew: false });
      let told = 0;
      stale.onLost(() => (told += 1));
      store.write(name, 'first', stale.token);

      const fresh = await two.acquire(name, { ttlMs: 5_000, waitMs: 2_000 });
      expect(fresh.token).toBeGreaterThan(stale.token);
      store.write(name, 'second', fresh.token);
      expect(() => store.write(name, 'late', stale.token)).toThrow(StaleTokenError);
      expect(store.read(name)).toBe('second');
      await eventually(() => expect(stale.lost).toBe(true));
      expect(told).toBe(1);
      expect(fresh.lost).toBe(false);
      await fresh.release();
    });

    it('ignores the release of a lost lock: the new holder keeps it', async () => {
      const [one, two] = services();
      const name = resource();
      const stale = await one.acquire(name, { ttlMs: 60, renew: false });
      const fresh = await two.acquire(name, { ttlMs: 5_000, waitMs: 2_000 });
      await eventually(() => expect(stale.lost).toBe(true));
      await stale.release();
      await expect(one.acquire(name, { ttlMs: 5_000 })).rejects.toBeInstanceOf(LockUnavailableError);
      expect(fresh.lost).toBe(false);
      await fresh.release();
    });

    it('holds a lease of the longest ttl, 2^31 − 1 ms, without renewal', async () => {
      const [one, two] = services();
      const name = resource();
      const lock = await one.acquire(name, { ttlMs: MAX_LOCK_DURATION_MS, renew: false });
      // Not a wait for an outcome: a lease timer that overflowed would fire 1 ms after it was set,
      // so before this later and longer one.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lock.lost).toBe(false);
      await expect(two.acquire(name, { ttlMs: 5_000 })).rejects.toBeInstanceOf(LockUnavailableError);
      await lock.release();
    });

    // A ttl of 1 s, not 90 ms: renewal runs every ttl / 3, and on a loaded 2-core CI machine a
    // stall of hundreds of ms between two renewals would let a short lease expire although the
    // service renews correctly. 3.5 s still spans 3+ ttls, which is what the test is about.
    it('keeps a renewed lock well past its ttl', async () => {
      const [one, two] = services();
      const name = resource();
      const lock: Lock = await one.acquire(name, { ttlMs: 1_000 });
      await new Promise((resolve) => setTimeout(resolve, 3_500)); // time must pass: 3+ ttls
      await expect(two.acquire(name, { ttlMs: 5_000 })).rejects.toBeInstanceOf(LockUnavailableError);
      expect(lock.lost).toBe(false);
      await lock.release();
      const next = await two.acquire(name, { ttlMs: 5_000 });
      expect(next.token).toBeGreaterThan(lock.token);
      await next.release();
    });
  });
}
