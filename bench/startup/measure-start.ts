import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SEAM_NODE_FLAGS } from '@seam/runtime';
import { cpuSnapshot, machineBusySeconds } from '../topology/process-cpu.js';

/** What one start of a process measured. */
export interface StartFigures {
  /** From the spawn call to the first `/health` answered 200, in ms. */
  healthyMs: number;
  /** Resident memory right after that answer (VmRSS), in MiB. */
  rssMiB: number;
  /**
   * Cores the rest of the machine kept busy meanwhile: its busy time less the started process's
   * and this one's (the poller), over the time to healthy (half a second at least).
   */
  otherLoadCores: number;
}

/** Options of {@link measureStart}. */
export interface StartOptions {
  /** The built entry (`dist/apps/monolith/main.js`). */
  entry: string;
  env: Record<string, string>;
  port: number;
  /** How often `/health` is asked while the process starts, in ms. */
  pollMs: number;
  /** Give up after this long, in ms. */
  timeoutMs: number;
}

/** VmRSS of a live process, in MiB (the kernel reports kB, i.e. KiB). */
export function residentMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  if (!line) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** One poll of `/health`: 200 or not (refused, another status, too slow). */
async function healthy(url: string, pollMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(pollMs * 20, 200)) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts `entry` as a new Node process and polls its `/health` every `pollMs` from the moment of
 * the spawn; once it answers 200, reads the process's RSS, stops it (SIGTERM) and waits for it to
 * exit — so that runs never overlap.
 *
 * @throws Error with the process output when it exits or stays unhealthy until `timeoutMs`.
 */
export async function measureStart(options: StartOptions): Promise<StartFigures> {
  const busyBefore = machineBusySeconds();
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  // Started as the image and `npm start` start it (SEAM_NODE_FLAGS).
  const child = spawn(process.execPath, [...SEAM_NODE_FLAGS, options.entry], {
    env: { ...process.env, ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    const url = `http://127.0.0.1:${options.port}/health`;
    for (;;) {
      if (gone) throw new Error(`${options.entry} exited before it was healthy:\n${output}`);
      if (performance.now() - started > options.timeoutMs)
        throw new Error(`${options.entry} was not healthy within ${options.timeoutMs} ms:\n${output}`);
      if (await healthy(url, options.pollMs)) break;
      await sleep(options.pollMs);
    }
    const healthyMs = performance.now() - started;
    const startedCpu = cpuSnapshot([{ label: 'started', pid: child.pid! }]).get('started')!;
    const own = process.cpuUsage(ownBefore);
    const othersCpu = machineBusySeconds() - busyBefore - startedCpu - (own.user + own.system) / 1e6;
    return {
      healthyMs,
      rssMiB: residentMiB(child.pid!),
      // Over half a second at least: the kernel counts CPU time in 10 ms ticks, and over the 80 ms of
      // a bare Node start one stray tick would read as an eighth of a core.
      otherLoadCores: Math.max(0, othersCpu / Math.max(healthyMs / 1_000, 0.5)),
    };
  } finally {
    if (!gone) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
}
