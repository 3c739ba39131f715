import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModuleData } from './module-data.js';
import { dataSourceOptions } from './data-source-options.js';
import { openDataSource } from './open-data-source.js';
import { preparePrivateSqliteFile } from './private-files.js';

const root = mkdtempSync(join(tmpdir(), 'private-files-'));
const modeOf = (path: string) => statSync(path).mode & 0o777;
const here = dirname(fileURLToPath(import.meta.url));
const noProc = existsSync('/proc/self') ? '' : ' — skipped: /proc is absent (not Linux)';

/**
 * Opens a module's SQLite database under `dataDir` the way a start does (openWithRetries), in a
 * child process: a mkdir that never returns blocks its thread, so only a process can be given up
 * on. Answers what it printed and how it ended.
 */
async function openInChild(dataDir: string): Promise<{ output: string; code: number | null; killed: boolean }> {
  const script = join(root, 'open.mjs');
  writeFileSync(
    script,
    `const { dataSourceOptions } = await import(${JSON.stringify(join(here, 'data-source-options.ts'))});
     const { defineModuleData } = await import(${JSON.stringify(join(here, 'module-data.ts'))});
     const { openWithRetries } = await import(${JSON.stringify(join(here, 'open-with-retries.ts'))});
     const data = defineModuleData({ module: 'probe', entities: [], migrations: [] });
     const options = dataSourceOptions(data, { kind: 'sqlite', dataDir: process.argv[2] });
     await openWithRetries('probe', options, 'here', console, { delayMs: 10 }).then(
       () => console.log('opened'),
       (error) => { console.log(error.message); process.exitCode = 1; },
     );`,
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', script, dataDir],
      { timeout: 15_000 },
      (error, stdout, stderr) =>
        resolve({
          output: `${stdout}${stderr}`.trim(),
          code: error ? ((error as { code?: number }).code ?? null) : 0,
          killed: error?.killed ?? false,
        }),
    );
  });
}

describe('preparePrivateSqliteFile', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates the directories 0700 and the file 0600, empty', () => {
    const file = join(root, 'fresh', 'data', 'identity.sqlite');
    preparePrivateSqliteFile(file);
    expect(modeOf(join(root, 'fresh'))).toBe(0o700);
    expect(modeOf(join(root, 'fresh', 'data'))).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    expect(statSync(file).size).toBe(0);
  });

  it('takes group and other access away from an existing file and its -wal and -shm, keeping its bytes', () => {
    const dir = join(root, 'old');
    mkdirSync(dir, { mode: 0o755 });
    const file = join(dir, 'identity.sqlite');
    for (const path of [file, `${file}-wal`, `${file}-shm`]) {
      writeFileSync(path, 'contents');
      chmodSync(path, 0o664);
    }
    preparePrivateSqliteFile(file);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path)).toBe(0o600);
    expect(statSync(file).size).toBe('contents'.length);
    // The directory was there: the operator's choice stays.
    expect(modeOf(dir)).toBe(0o755);
  });

  it('leaves an owner-only file as it is (a 0400 file stays read-only)', () => {
    const file = join(root, 'read-only.sqlite');
    writeFileSync(file, '');
    chmodSync(file, 0o400);
    preparePrivateSqliteFile(file);
    expect(modeOf(file)).toBe(0o400);
  });

  it('is what openDataSource does: a module database and its WAL files are 0600 in a 0700 directory', async () => {
    const dataDir = join(root, 'module-data');
    const data = defineModuleData({ module: 'probe', entities: [], migrations: [] });
    const dataSource = await openDataSource(dataSourceOptions(data, { kind: 'sqlite', dataDir }));
    try {
      await dataSource.query('CREATE TABLE secret (value TEXT)');
      await dataSource.query("INSERT INTO secret VALUES ('key')");
      expect(modeOf(dataDir)).toBe(0o700);
      for (const suffix of ['', '-wal', '-shm']) expect(modeOf(join(dataDir, `probe.sqlite${suffix}`))).toBe(0o600);
    } finally {
      await dataSource.destroy();
    }
  });

  (noProc ? describe.skip : describe)(`on a filesystem that refuses a mkdir (/proc)${noProc}`, () => {
    it("fails the start with the mkdir's error, instead of hanging", async () => {
      // /proc answers ENOENT to a mkdir of /proc/seam; Node's recursive mkdir tried /proc, found it
      // there, and tried /proc/seam again, for ever.
      expect(await openInChild('/proc/seam/data')).toEqual({
        output:
          "the database of probe (here) could not be opened: ENOENT: no such file or directory, mkdir '/proc/seam' — set DATA_DIR to a directory this process may create and write",
        code: 1,
        killed: false,
      });
    });
  });
});
