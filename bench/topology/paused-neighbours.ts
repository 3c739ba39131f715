import { setTimeout as sleep } from 'node:timers/promises';
import { processTree } from './process-cpu.js';

/**
 * How long a process runs after being resumed before it is measured. A process stopped for minutes
 * finds every timer overdue when it goes on (relay polls, leases, deadlines of calls in flight,
 * breaker windows, which probe again after 5 s by default): it is given time to catch up first.
 * Once (2026-12-06), a monolith measured a second after being resumed failed 1,007 of its paced
 * reads; the cause was not found (pausing one mid-load did not reproduce it), and the failures
 * were not seen again with this wait.
 */
export const SETTLE_AFTER_RESUME_MS = 6_000;

/** When each process this module stopped was last let go on (performance.now()). */
const resumedAt = new Map<number, number>();

/**
 * Runs `measure` with every process of `neighbours` (and their descendants) stopped, and lets
 * them go on afterwards, even when `measure` throws. Waits first until every process of `measured`
 * has run {@link SETTLE_AFTER_RESUME_MS} since this module last let it go on.
 *
 * The benchmark keeps every topology running so that rounds can take turns, but an idle topology is
 * not silent: its relays poll their outboxes, its Redis consumers block and wake, its timers fire.
 * Measured on this machine (2026-12-06), the 18 idle processes of the other topologies and the
 * ceiling took 0.15 cores of two, waking at random moments on the cores the measured topology and
 * the load generator share: counted as "other programs", and felt in the tail latencies.
 * SIGSTOP freezes them without closing a connection; their timers simply run late once resumed.
 */
export async function withNeighboursPaused<T>(
  neighbours: readonly number[],
  measured: readonly number[],
  measure: () => Promise<T>,
  settleMs = SETTLE_AFTER_RESUME_MS,
): Promise<T> {
  const lastResumed = Math.max(...measured.map((pid) => resumedAt.get(pid) ?? -Infinity));
  const settling = lastResumed + settleMs - performance.now();
  if (settling > 0) await sleep(settling);
  const frozen = neighbours.flatMap((pid) => processTree(pid));
  signal(frozen, 'SIGSTOP');
  try {
    return await measure();
  } finally {
    signal(frozen, 'SIGCONT');
    const now = performance.now();
    for (const pid of neighbours) resumedAt.set(pid, now);
  }
}

function signal(pids: readonly number[], name: 'SIGSTOP' | 'SIGCONT'): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // Gone since: nothing to freeze or resume.
    }
  }
}
