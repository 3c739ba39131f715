import type { FailurePolicy } from './throttling.config.js';

/**
 * How long the next attempt must wait after the `failures`-th failure within the policy's window:
 * nothing while the free failures last, then `firstDelayMs`, doubling with each further failure,
 * never more than `maxDelayMs`.
 */
export function delayAfter(failures: number, policy: FailurePolicy): number {
  const over = failures - policy.freeFailures;
  if (over < 0) return 0;
  // 2^over overflows to Infinity long after the cap is reached, so min() still holds.
  return Math.min(policy.firstDelayMs * 2 ** over, policy.maxDelayMs);
}
