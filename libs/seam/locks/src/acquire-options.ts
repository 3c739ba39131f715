import { type AcquireOptions, InvalidLockOptionError } from './lock.service.js';

/**
 * The longest lease or wait a lock service takes, in ms (about 24.8 days): what a Node.js timer
 * can wait. A longer timer fires after 1 ms instead, which would end a lease (or a wait) at once
 * while the store still holds it.
 */
export const MAX_LOCK_DURATION_MS = 2 ** 31 - 1;

/**
 * Checks the durations of `acquire`'s options, before a lock service touches its store or its
 * timers: `ttlMs` an integer from 1 to {@link MAX_LOCK_DURATION_MS}, `waitMs` (when given) one from 0.
 * @throws InvalidLockOptionError naming the first option out of range and its value.
 */
export function checkAcquireOptions(options: AcquireOptions): void {
  checkDuration('ttlMs', options.ttlMs, 1);
  if (options.waitMs !== undefined) checkDuration('waitMs', options.waitMs, 0);
}

function checkDuration(option: string, value: unknown, min: number): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > MAX_LOCK_DURATION_MS)
    throw new InvalidLockOptionError(option, value, `an integer from ${min} to ${MAX_LOCK_DURATION_MS} (ms)`);
}
