import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@seam/testing';
import { measureStart, residentMiB } from '../../bench/startup/measure-start.js';
import { measureQuietly } from '../../bench/topology/process-cpu.js';
import { peakRssMiB, resetPeakRss } from '../../bench/topology/process-memory.js';

const dir = mkdtempSync(join(tmpdir(), 'seam-bench-probes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A script file in the test's directory. */
function script(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe('measureStart', () => {
  it('times a process from its spawn to its first /health answered 200, and reads its RSS then', async () => {
    // Healthy only 150 ms after it listens: the polls before must not count.
    const entry = script(
      'slow-health.mjs',
      `import { createServer } from 'node:http';
       const since = Date.now();
       createServer((req, res) => { res.statusCode = req.url === '/health' && Date.now() - since > 150 ? 200 : 503; res.end(); })
         .listen(Number(process.env.PORT), '127.0.0.1');`,
    );
    const figures = await measureStart({ entry, env: {}, port: await freePort(), pollMs: 10, timeoutMs: 10_000 });
    expect(figures.healthyMs).toBeGreaterThanOrEqual(150);
    expect(figures.rssMiB).toBeGreaterThan(5);
  });

  it('counts the cores another program keeps busy while the process starts', async () => {
    const entry = script(
      'late-listen.mjs',
      `import { createServer } from 'node:http';
       setTimeout(() => createServer((req, res) => res.end()).listen(Number(process.env.PORT), '127.0.0.1'), 400);`,
    );
    const neighbour = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    try {
      await new Promise((started) => neighbour.once('spawn', started));
      const figures = await measureStart({ entry, env: {}, port: await freePort(), pollMs: 10, timeoutMs: 10_000 });
      // A spinning neighbour is a core's worth (less whatever the machine's two cores could not give it).
      expect(figures.otherLoadCores).toBeGreaterThan(0.5);
    } finally {
      neighbour.kill('SIGKILL');
    }
  });

  it('fails with the output of a process that exits before it is healthy', async () => {
    const entry = script('crash.mjs', `console.error('no database'); process.exit(1);`);
    await expect(
      measureStart({ entry, env: {}, port: await freePort(), pollMs: 10, timeoutMs: 10_000 }),
    ).rejects.toThrow(/exited before it was healthy:\nno database/);
  });
});

describe('measureQuietly', () => {
  const noisy = (...loads: number[]) => {
    const measure = async () => ({ otherLoadCores: loads.shift()! });
    return { measure, left: () => loads.length };
  };

  it('measures again while others were busy, and keeps the quietest', async () => {
    const { measure, left } = noisy(0.9, 0.5, 0.7);
    const log: string[] = [];
    const figures = await measureQuietly(measure, {
      maxOtherCores: 0.3,
      quietWaitMs: 0,
      log: (line) => log.push(line),
    });
    expect(figures.otherLoadCores).toBe(0.5);
    expect(left()).toBe(0);
    expect(log.filter((line) => line.startsWith('attempt'))).toEqual([
      'attempt 1: other programs used 0.9 cores meanwhile',
      'attempt 2: other programs used 0.5 cores meanwhile',
      'attempt 3: other programs used 0.7 cores meanwhile',
    ]);
  });

  it('stops at the first quiet measurement', async () => {
    const { measure, left } = noisy(0.6, 0.1, 0.0);
    const figures = await measureQuietly(measure, { maxOtherCores: 0.3, quietWaitMs: 0, log: () => {} });
    expect(figures.otherLoadCores).toBe(0.1);
    expect(left()).toBe(1);
  });
});

describe('peakRssMiB', () => {
  it('reads a live process peak RSS, at least its current RSS after a reset', () => {
    resetPeakRss([{ pid: process.pid }]);
    const current = residentMiB(process.pid);
    expect(peakRssMiB([{ label: 'self', pid: process.pid }]).get('self')).toBeGreaterThanOrEqual(current);
  });

  it('reads 0 for a process that is gone', () => {
    expect(peakRssMiB([{ label: 'gone', pid: 2 ** 22 + 1 }]).get('gone')).toBe(0);
  });
});
