import { chmodSync, closeSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirectories } from './make-directories.js';

/** Mode of a data directory Seam creates: its owner only (the modules' files hold secrets). */
export const PRIVATE_DIRECTORY_MODE = 0o700;
/** Mode of a SQLite file Seam creates: its owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes a module's SQLite file private before SQLite opens it: creates its directory `0700` and
 * the file itself `0600` (an empty file is an empty database to SQLite, and SQLite gives the
 * `-wal` and `-shm` files it creates the database file's mode). A file already there that
 * others can read (made by an earlier version, or by `data:move`) loses its group and other
 * permissions — identity keeps its generated token-signing key in its file, so a readable file
 * is a forgeable token. An existing directory keeps its mode: it may be shared (`/tmp`) or
 * mounted, and is the operator's to choose.
 */
export function preparePrivateSqliteFile(file: string): void {
  // One mkdir per missing part: Node's recursive mkdir never returned on /proc (see makeDirectories).
  makeDirectories(dirname(file), PRIVATE_DIRECTORY_MODE);
  // 'a' creates the file when missing and never truncates one that exists.
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) withoutOthersAccess(path);
}

function withoutOthersAccess(path: string): void {
  try {
    const { mode } = statSync(path);
    if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o700);
  } catch (error) {
    // Absent (-wal/-shm before the first write) or not ours to change (EPERM): SQLite decides.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
