import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { dataSourceOptions, SQLITE_WAL_AUTOCHECKPOINT_PAGES } from './data-source-options.js';
import type { SqliteSynchronous } from './database-config.js';
import { defineModuleData } from './module-data.js';
import { openDataSource } from './open-data-source.js';

const data = defineModuleData({ module: 'ledger', entities: [], migrations: [] });

describe('a module SQLite file, as opened', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-sqlite-synchronous-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The file's settings as SQLite reports them on the module's own connection. */
  const settingsWith = async (synchronous?: SqliteSynchronous) => {
    const dataSource: DataSource = await openDataSource(
      dataSourceOptions(data, { kind: 'sqlite', dataDir, ...(synchronous ? { synchronous } : {}) }),
    );
    try {
      const [{ synchronous: level }] = (await dataSource.query('PRAGMA synchronous')) as [{ synchronous: number }];
      const [{ journal_mode: journal }] = (await dataSource.query('PRAGMA journal_mode')) as [{ journal_mode: string }];
      const [{ wal_autocheckpoint: checkpointEvery }] = (await dataSource.query('PRAGMA wal_autocheckpoint')) as [
        { wal_autocheckpoint: number },
      ];
      return { level, journal, checkpointEvery };
    } finally {
      await dataSource.destroy();
    }
  };

  it('runs in WAL mode, checkpointed every 4,000 pages, with synchronous NORMAL unless told otherwise', async () => {
    // SQLite's levels: 1 = NORMAL, 2 = FULL.
    const wal = { journal: 'wal', checkpointEvery: SQLITE_WAL_AUTOCHECKPOINT_PAGES };
    expect(await settingsWith()).toEqual({ level: 1, ...wal });
    expect(await settingsWith('normal')).toEqual({ level: 1, ...wal });
  });

  it('syncs every commit with synchronous FULL when the config says full', async () => {
    expect(await settingsWith('full')).toEqual({
      level: 2,
      journal: 'wal',
      checkpointEvery: SQLITE_WAL_AUTOCHECKPOINT_PAGES,
    });
  });
});
