import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres, TEST_POSTGRES_URL } from '@seam/testing';

/** A fresh, empty place for every module's data, made for one suite and removed after it. */
export interface Database {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** Where an e2e suite keeps the modules' data; `skipReason` says why it cannot run here. */
export interface DatabaseTarget {
  title: string;
  skipReason?: string;
  create(): Promise<Database>;
}

/** SQLite files in a temporary `DATA_DIR` (the embedded default): runs everywhere. */
export function sqliteTarget(): DatabaseTarget {
  return {
    title: 'SQLite files',
    create: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'seam-e2e-'));
      return {
        config: { kind: 'sqlite', dataDir },
        drop: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  };
}

/** A PostgreSQL database created for the suite (a schema per module), when a server is reachable. */
export async function postgresTarget(): Promise<DatabaseTarget> {
  return {
    title: `PostgreSQL (${new URL(TEST_POSTGRES_URL).host})`,
    skipReason: await postgresUnavailableReason(),
    create: async () => {
      const database = await TemporaryPostgres.create();
      return { config: { kind: 'postgres', url: database.url }, drop: () => database.drop() };
    },
  };
}
