import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { builtEntry } from './topology-processes.js';

/** A lock older than this is left over from a build that died: it is taken over. */
const STALE_LOCK_MS = 10 * 60_000;

/**
 * Makes sure the apps are built (`nest build --all`) before tests start them as processes:
 * returns at once when every entry file of `apps` exists (`npm test` builds before jest), and
 * otherwise builds all apps once. Parallel jest workers (and separate jest runs in one checkout)
 * share one build through a lock directory: the Nest CLI deletes each app's output before
 * writing it, so two builds at once would pull files from under each other's processes.
 * Resolves when the entries exist; rejects with the build's output when it fails.
 */
export async function ensureBuilt(apps: readonly string[], cwd = process.cwd()): Promise<void> {
  const missing = () => apps.some((app) => !existsSync(join(cwd, builtEntry(app))));
  if (!missing()) return;
  const lock = join(
    tmpdir(),
    `seam-build-${createHash('sha256').update(resolve(cwd)).digest('hex').slice(0, 16)}.lock`,
  );
  for (;;) {
    if (tryLock(lock)) {
      try {
        if (missing()) await build(cwd);
        return;
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
    // Another worker is building: wait for it, then check (its build may have failed).
    await new Promise((done) => setTimeout(done, 250));
    if (!existsSync(lock) && !missing()) return;
  }
}

/** Takes the lock (an atomic `mkdir`), or takes over a stale one. */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = Date.now() - (statOrUndefined(lock)?.mtimeMs ?? Date.now());
    if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

const statOrUndefined = (path: string) => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

async function build(cwd: string): Promise<void> {
  try {
    await promisify(execFile)('npx', ['nest', 'build', '--all'], { cwd, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`nest build --all failed:\n${stdout}${stderr}`, { cause: error });
  }
}
