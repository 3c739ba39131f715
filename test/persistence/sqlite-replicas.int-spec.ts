import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { afterAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, defineModuleData, openDataSource } from '@seam/persistence';
import { spawnService } from '@seam/testing';
import { CreateCounter1700000000000 } from './fixtures/counter.migration.js';

const TIMES = 300;

describe('two processes on one SQLite file (replicas of a module)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-sqlite-replicas-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('start at once on a fresh file: each opens it, and its migrations run once', async () => {
    const fresh = mkdtempSync(join(dataDir, 'fresh-'));
    const go = join(fresh, 'go');
    const replicas = await Promise.all(
      [0, 1, 2, 3].map(() =>
        spawnService({
          entry: 'test/persistence/fixtures/open-at-once.ts',
          args: [fresh, go],
          readyLine: /^WAITING$/,
          readyTimeoutMs: 60_000,
        }),
      ),
    );
    // Every replica has loaded its code: they open the file within a millisecond of each other.
    writeFileSync(go, '');
    const outputs = await Promise.all(replicas.map(async (replica) => (await replica.exited, replica.output())));
    for (const output of outputs) expect(output).toMatch(/^OPENED after \d+ retries$/m);
    const data = defineModuleData({ module: 'counter', entities: [], migrations: [CreateCounter1700000000000] });
    const check = await openDataSource(dataSourceOptions(data, { kind: 'sqlite', dataDir: fresh }));
    try {
      expect(await check.query('SELECT COUNT(*) AS n FROM migrations')).toEqual([{ n: 1 }]);
    } finally {
      await check.destroy();
    }
  }, 90_000);

  it('run read-then-write transactions without "database is locked" and without losing an update', async () => {
    const data = defineModuleData({ module: 'counter', entities: [], migrations: [CreateCounter1700000000000] });
    (await openDataSource(dataSourceOptions(data, { kind: 'sqlite', dataDir }))).destroy();
    const replicas = await Promise.all(
      [0, 1].map(() =>
        spawnService({
          entry: 'test/persistence/fixtures/increment-counter.ts',
          args: [dataDir, String(TIMES)],
          readyLine: /^FAILURES \d+$/,
          readyTimeoutMs: 60_000,
        }),
      ),
    );
    const outputs = await Promise.all(replicas.map(async (replica) => (await replica.exited, replica.output())));
    for (const output of outputs) expect(output).toContain('FAILURES 0');
    const check = await openDataSource(dataSourceOptions(data, { kind: 'sqlite', dataDir }));
    try {
      expect(await check.query(`SELECT value FROM counter WHERE id = 'c'`)).toEqual([{ value: 2 * TIMES }]);
    } finally {
      await check.destroy();
    }
  }, 90_000);
});
