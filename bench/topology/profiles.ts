import { existsSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The preload that profiles a process between two SIGWINCH (see cpu-profiler.mjs). */
export const PROFILER_PRELOAD = resolve('bench/topology/cpu-profiler.mjs');

/**
 * CPU profiles of the measured windows, one file per process and cell:
 * `<dir>/<topology>-<flow>-<process>.cpuprofile`.
 */
export class WindowProfiles {
  private readonly taken = new Map<number, number>();

  constructor(readonly dir: string) {}

  /** The environment that makes a process profilable. */
  env(): Record<string, string> {
    return { NODE_OPTIONS: `--import=${PROFILER_PRELOAD}`, SEAM_CPU_PROF_DIR: this.dir };
  }

  begin(processes: ReadonlyArray<{ pid: number }>): void {
    for (const { pid } of processes) process.kill(pid, 'SIGWINCH');
  }

  /** Stops the profilers and waits for every profile to be written. */
  async end(processes: ReadonlyArray<{ label: string; pid: number }>, cell: string): Promise<void> {
    for (const { pid } of processes) process.kill(pid, 'SIGWINCH');
    for (const { label, pid } of processes) {
      const count = (this.taken.get(pid) ?? 0) + 1;
      this.taken.set(pid, count);
      const written = join(this.dir, `${pid}-${count}.cpuprofile`);
      for (let waited = 0; !existsSync(written); waited += 50) {
        if (waited > 30_000) throw new Error(`pid ${pid} (${label}) wrote no profile ${written}`);
        await sleep(50);
      }
      renameSync(written, join(this.dir, `${cell}-${label}.cpuprofile`));
    }
  }
}
