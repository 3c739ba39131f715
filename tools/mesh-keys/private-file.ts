import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `text` to `file` with `mode` (default 0600, its owner only): through a temporary name and
 * a rename, so that the file is never half written nor readable with looser permissions than `mode`
 * (an existing file is replaced, not rewritten in place with its old mode).
 *
 * @throws the file system's error (the file is left as it was).
 */
export function writePrivate(file: string, text: string, mode = 0o600): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode, flag: 'wx' });
    // writeFileSync's mode is masked by the umask; chmod is not.
    chmodSync(temporary, mode);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}
