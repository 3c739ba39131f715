import { afterEach, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { withNeighboursPaused } from '../../bench/topology/paused-neighbours.js';

/** A process that prints a tick every 10 ms; `ticks()` counts those received so far. */
function ticker(): { child: ChildProcess; ticks(): number } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => process.stdout.write("."), 10)'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let count = 0;
  child.stdout!.on('data', (chunk: Buffer) => (count += chunk.length));
  return { child, ticks: () => count };
}

/** Whether no tick arrived for `ms` (tried for up to 40 such spans). */
async function quietFor(neighbour: { ticks(): number }, ms: number): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const before = neighbour.ticks();
    await sleep(ms);
    if (neighbour.ticks() === before) return true;
  }
  return false;
}

describe('withNeighboursPaused', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  const started = async () => {
    const neighbour = ticker();
    children.push(neighbour.child);
    // Running: ticks arrive.
    while (neighbour.ticks() < 3) await sleep(20);
    return neighbour;
  };

  it('stops the neighbours while measuring and lets them go on after', async () => {
    const neighbour = await started();
    const during = await withNeighboursPaused([neighbour.child.pid!], [], async () => {
      // Whatever was already in the pipe arrives (however late this loop runs), then nothing more.
      const quiet = await quietFor(neighbour, 100);
      const first = neighbour.ticks();
      await sleep(300);
      return { quiet, ticks: neighbour.ticks() - first };
    });
    expect(during).toEqual({ quiet: true, ticks: 0 });
    const after = neighbour.ticks();
    await sleep(300);
    expect(neighbour.ticks() - after).toBeGreaterThan(5);
  });

  it('lets them go on when the measure fails', async () => {
    const neighbour = await started();
    await expect(
      withNeighboursPaused([neighbour.child.pid!], [], () => Promise.reject(new Error('measure failed'))),
    ).rejects.toThrow('measure failed');
    const after = neighbour.ticks();
    await sleep(300);
    expect(neighbour.ticks() - after).toBeGreaterThan(5);
  });

  it('passes over a neighbour that is gone', async () => {
    const neighbour = await started();
    neighbour.child.kill('SIGKILL');
    await new Promise((exited) => neighbour.child.once('exit', exited));
    await expect(withNeighboursPaused([neighbour.child.pid!], [], async () => 'measured')).resolves.toBe('measured');
  });

  it('lets a process it resumed settle before measuring it', async () => {
    const neighbour = await started();
    // Stopped while another is measured, then measured itself: not before it ran settleMs again.
    await withNeighboursPaused([neighbour.child.pid!], [], () => sleep(50), 1_500);
    const resumed = performance.now();
    const waited = await withNeighboursPaused(
      [],
      [neighbour.child.pid!],
      async () => performance.now() - resumed,
      1_500,
    );
    expect(waited).toBeGreaterThanOrEqual(1_490);
    // One it never stopped is measured at once.
    const other = await started();
    const at = performance.now();
    const atOnce = await withNeighboursPaused([], [other.child.pid!], async () => performance.now() - at, 1_500);
    expect(atOnce).toBeLessThan(1_000);
  });
});
