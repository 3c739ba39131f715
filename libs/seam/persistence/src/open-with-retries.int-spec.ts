import { describe, expect, it } from '@jest/globals';
import { freePort, postgresUnavailableReason, TEST_POSTGRES_URL } from '@seam/testing';
import type { DataSourceOptions } from 'typeorm';
import { openWithRetries } from './open-with-retries.js';

const pgSkip = await postgresUnavailableReason();
const withPostgres = pgSkip ? describe.skip : describe;
const needsPostgres = pgSkip ? ` — skipped: ${pgSkip}` : '';

function postgresAt(url: URL): DataSourceOptions {
  return { type: 'postgres', url: url.toString(), schema: 'probe', entities: [], migrations: [], migrationsRun: true };
}

function recorder() {
  const lines: string[] = [];
  return { lines, logger: { warn: (line: string) => void lines.push(line) } };
}

describe('openWithRetries', () => {
  it('tries a server that refuses connections again, one line per try, then names the cause', async () => {
    const url = new URL(`postgres://postgres:never-printed-7f3a@127.0.0.1:${await freePort()}/postgres`);
    const { lines, logger } = recorder();
    const opening = openWithRetries('probe', postgresAt(url), 'PostgreSQL here', logger, { attempts: 3, delayMs: 10 });
    await expect(opening).rejects.toThrow(
      /^the database of probe \(PostgreSQL here\) could not be opened: .*ECONNREFUSED.* is PostgreSQL running there/,
    );
    expect(lines).toEqual([expect.stringMatching(/\(1 of 3\)$/), expect.stringMatching(/\(2 of 3\)$/)]);
  });

  withPostgres(`on PostgreSQL${needsPostgres}`, () => {
    it('fails at the first try, naming the cause, for a database that does not exist', async () => {
      const url = new URL(TEST_POSTGRES_URL);
      url.password = 'never-printed-7f3a';
      url.pathname = '/seam_no_such_database';
      const { lines, logger } = recorder();
      const opening = openWithRetries('probe', postgresAt(url), 'PostgreSQL here', logger, {
        attempts: 3,
        delayMs: 10,
      });
      await expect(opening).rejects.toThrow(/"seam_no_such_database" does not exist — create the database/);
      await expect(opening).rejects.not.toThrow(/never-printed/);
      expect(lines).toEqual([]);
    });
  });
});
