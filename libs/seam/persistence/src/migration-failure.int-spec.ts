import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { DatabaseConfig } from './database-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { defineModuleData } from './module-data.js';
import { openWithRetries } from './open-with-retries.js';

class CreateTag1790000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE tag (name varchar(20) PRIMARY KEY)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE tag');
  }
}

/** Fails as a data migration does on data it did not expect: a key that is already there. */
class AddDefaultTags1790000000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`INSERT INTO tag (name) VALUES ('new'), ('new')`);
  }
  async down(): Promise<void> {}
}

const data = defineModuleData({
  module: 'tags',
  entities: [],
  migrations: [CreateTag1790000000000, AddDefaultTags1790000000001],
});

async function startFailure(config: DatabaseConfig): Promise<{ message: string; warnings: string[] }> {
  const warnings: string[] = [];
  const logger = { warn: (line: string) => void warnings.push(line) };
  const opening = openWithRetries('tags', dataSourceOptions(data, config), 'here', logger, { delayMs: 10 });
  const error = await opening.then(
    () => new Error('opened'),
    (failure: unknown) => failure as Error,
  );
  return { message: error.message, warnings };
}

describe('a migration that fails at start-up', () => {
  let dataDir: string;
  beforeAll(() => void (dataDir = mkdtempSync(join(tmpdir(), 'seam-migration-failure-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is named in the one line of the failure, before the driver’s message, on SQLite', async () => {
    const { message, warnings } = await startFailure({ kind: 'sqlite', dataDir });
    expect(message).toMatch(
      /^the database of tags \(here\) could not be opened: migration AddDefaultTags1790000000001 failed: SqliteError: UNIQUE constraint failed: tag\.name$/,
    );
    // It would fail every try the same way: the start ends at the first.
    expect(warnings).toEqual([]);
  });
});

const reason = await postgresUnavailableReason();
(reason ? describe.skip : describe)(
  `a migration that fails at start-up on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`,
  () => {
    let database: TemporaryPostgres;
    beforeAll(async () => void (database = await TemporaryPostgres.create()));
    afterAll(async () => database?.drop());

    it('is named in the one line of the failure, before the driver’s message', async () => {
      const { message, warnings } = await startFailure({ kind: 'postgres', url: database.url });
      expect(message).toMatch(
        /^the database of tags \(here\) could not be opened: migration AddDefaultTags1790000000001 failed: duplicate key value violates unique constraint "tag_pkey"$/,
      );
      expect(warnings).toEqual([]);
    });
  },
);
