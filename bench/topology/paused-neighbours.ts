import { processTree } from './process-cpu.js';

/**
 * Runs `measure` with every process of `neighbours` (and their descendants) stopped, and lets
 * them go on afterwards, even when `measure` throws.
 *
 * The benchmark keeps every topology running so that rounds can take turns, but an idle topology is
 * not silent: its relays poll their outboxes, its Redis consumers block and wake, its timers fire.
 * Measured on this machine (2026-12-06), the 18 idle processes of the other topologies and the
 * ceiling took 0.15 cores of two, waking at random moments on the cores the measured topology and
 * the load generator share: counted as "other programs", and felt in the tail latencies.
 * SIGSTOP freezes them without closing a connection; their timers simply run late once resumed.
 */
export async function withNeighboursPaused<T>(neighbours: readonly number[], measure: () => Promise<T>): Promise<T> {
  const frozen = neighbours.flatMap((pid) => processTree(pid));
  signal(frozen, 'SIGSTOP');
  try {
    return await measure();
  } finally {
    signal(frozen, 'SIGCONT');
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
