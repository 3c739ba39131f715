import { readFileSync, writeFileSync } from 'node:fs';

/** A field of /proc/<pid>/status in kB (KiB), or 0 once the process is gone. */
function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Resets the peak RSS (VmHWM) of each process to its current RSS (`5` into
 * /proc/<pid>/clear_refs, Linux ≥ 4.0), so that the peak read after a window is that window's.
 * Answers false when the kernel refused (the peak then covers the process's whole life).
 */
export function resetPeakRss(processes: ReadonlyArray<{ pid: number }>): boolean {
  try {
    for (const { pid } of processes) writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The peak RSS (VmHWM) of each labelled process, in MiB. */
export function peakRssMiB(processes: ReadonlyArray<{ label: string; pid: number }>): Map<string, number> {
  return new Map(processes.map(({ label, pid }) => [label, statusKiB(pid, 'VmHWM') / 1024]));
}
