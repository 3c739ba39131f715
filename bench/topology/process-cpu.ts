import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second: the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone
  }
}

/** CPU seconds (user + system, every thread) a process has used since it started; 0 once it is gone. */
function ownCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // Fields 14 and 15 of stat(5), counted from the state (field 3).
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS : 0;
}

/** Every live process descended from `root`, `root` first. */
export function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields) parentOf.set(Number(entry), Number(fields[1]));
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++) {
    for (const [pid, parent] of parentOf) if (parent === tree[index]) tree.push(pid);
  }
  return tree;
}

/**
 * CPU seconds used so far by each labelled process and its descendants (the apps start none
 * today; counted anyway, so that a helper process could not hide its cost).
 */
export function cpuSnapshot(processes: ReadonlyArray<{ label: string; pid: number }>): Map<string, number> {
  const snapshot = new Map<string, number>();
  for (const { label, pid } of processes) {
    const seconds = processTree(pid).reduce((sum, member) => sum + ownCpuSeconds(member), 0);
    snapshot.set(label, (snapshot.get(label) ?? 0) + seconds);
  }
  return snapshot;
}

/** CPU seconds per label between two snapshots. */
export function cpuBetween(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([label, seconds]) => [label, seconds - (before.get(label) ?? 0)]));
}

/**
 * CPU seconds the whole machine has been busy so far (every core; /proc/stat: all but idle and
 * iowait): with the topology's and the load generator's own, it tells how much else was running.
 */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS;
}

/**
 * Waits (at most `timeoutMs`) for a second in which the whole machine used less than `maxCores`
 * — the topology being idle, that is other programs — and answers the cores last seen busy.
 */
export async function waitForQuietMachine(maxCores: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const before = machineBusySeconds();
    await new Promise((done) => setTimeout(done, 1_000));
    const cores = machineBusySeconds() - before;
    if (cores < maxCores || Date.now() > deadline) return cores;
  }
}

/** How {@link measureQuietly} waits and retries. */
export interface QuietOptions {
  /** Cores other programs may keep busy before and during a measurement. */
  maxOtherCores: number;
  /** Measurements in all, at most (3). */
  attempts?: number;
  /** How long to wait for a quiet machine before each one (60 s; then it measures anyway). */
  quietWaitMs?: number;
  log?: (line: string) => void;
}

/**
 * Runs `measure` once the machine is quiet, and again — up to `attempts` times in all — while other
 * programs kept more than `maxOtherCores` busy during the measurement itself (its
 * `otherLoadCores`); answers the quietest. On a shared machine a figure taken while something else
 * ran measures that something as much as the code.
 */
export async function measureQuietly<T extends { otherLoadCores: number }>(
  measure: () => Promise<T>,
  {
    maxOtherCores,
    attempts = 3,
    quietWaitMs = 60_000,
    log = (line) => process.stderr.write(`${line}\n`),
  }: QuietOptions,
): Promise<T> {
  let quietest: T | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const busy = await waitForQuietMachine(maxOtherCores, quietWaitMs);
    if (busy >= maxOtherCores) log(`the machine stayed busy (${busy.toFixed(1)} cores in use): measuring anyway`);
    const figures = await measure();
    if (!quietest || figures.otherLoadCores < quietest.otherLoadCores) quietest = figures;
    if (figures.otherLoadCores <= maxOtherCores) break;
    log(`attempt ${attempt}: other programs used ${figures.otherLoadCores.toFixed(1)} cores meanwhile`);
  }
  return quietest!;
}
