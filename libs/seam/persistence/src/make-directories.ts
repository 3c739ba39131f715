import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates `directory` and its missing parents, one `mkdir` each, with `mode` (before the umask),
 * and answers the first directory it created (`undefined` when `directory` was there), as
 * `mkdirSync(…, { recursive: true })` does. Unlike it, every `mkdir`'s error reaches the caller:
 * on a filesystem that answers ENOENT for a path whose parent exists (`/proc`, `/sys`), Node's
 * recursive mkdir tried the parent, found it there and tried the child again — for ever, a start
 * that hung with no output. A directory another process creates meanwhile (replicas starting
 * together) is taken as created.
 *
 * @throws the `stat` or `mkdir` error (`ENOENT`, `EACCES`, `ENOTDIR`, `EROFS`…) naming the path.
 */
export function makeDirectories(directory: string, mode?: number): string | undefined {
  const missing: string[] = [];
  for (let path = resolve(directory); !exists(path); path = dirname(path)) {
    missing.unshift(path);
    // The root itself missing cannot be, but the walk must end whatever stat says.
    if (dirname(path) === path) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path, mode === undefined ? {} : { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(path).isDirectory()) throw error;
    }
  }
  return missing[0];
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
