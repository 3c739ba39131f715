/**
 * The size of a fault check: `full` under `npm run test:faults` (the figures the docs quote),
 * `reduced` when `SEAM_FAULTS=reduced` (the version `npm test` runs, to stay within CI's budget).
 */
export function faultScale<T>(sizes: { full: T; reduced: T }): T {
  return process.env.SEAM_FAULTS === 'reduced' ? sizes.reduced : sizes.full;
}
