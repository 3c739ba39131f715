// Accounts stored before domains were stored in ASCII get the spelling look-ups use now, on both
// databases a module runs on: migrated from the release before, with data in it.
import { afterAll, describe, expect, it } from '@jest/globals';
import { type DatabaseConfig, dataSourceOptions, openDataSource } from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { identityData } from '../../identity.data.js';
import { UserRecord } from '../user.record.js';
import { AsciiEmailDomains1797100000000 } from './1797100000000-ascii-email-domains.js';

/** More than one page of the migration's reads. */
const LEGACY_ACCOUNTS = 1_005;

const releaseBefore = {
  ...identityData,
  migrations: identityData.migrations.filter((migration) => migration !== AsciiEmailDomains1797100000000),
};

function account(index: number, email: string): UserRecord {
  const at = '2026-11-25T10:00:00.000Z';
  const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  return {
    id,
    email,
    name: 'Ada',
    roles: 'customer',
    passwordHash: 'scrypt$1$2$3$4$5',
    tokenVersion: 0,
    createdAt: at,
    updatedAt: at,
  };
}

async function emailsAfterUpgrade(config: DatabaseConfig): Promise<Map<string, string>> {
  const before = await openDataSource(dataSourceOptions(releaseBefore, config));
  const accounts = [
    ...Array.from({ length: LEGACY_ACCOUNTS }, (_, index) => account(index, `user${index}@bücher.de`)),
    account(2_000, 'ada@example.com'),
    account(2_001, 'lin@bücher.de'),
    account(2_002, 'lin@xn--bcher-kva.de'),
    account(2_003, 'zoë@müller.example'),
  ];
  try {
    await before.getRepository(UserRecord).insert(accounts);
  } finally {
    await before.destroy();
  }
  const after: DataSource = await openDataSource(dataSourceOptions(identityData, config));
  try {
    const rows = await after.getRepository(UserRecord).find({ select: { id: true, email: true } });
    return new Map(rows.map((row) => [row.id, row.email]));
  } finally {
    await after.destroy();
  }
}

function expectRespelt(emails: Map<string, string>): void {
  expect(emails.size).toBe(LEGACY_ACCOUNTS + 4);
  for (let index = 0; index < LEGACY_ACCOUNTS; index++)
    expect(emails.get(account(index, '').id)).toBe(`user${index}@xn--bcher-kva.de`);
  expect(emails.get(account(2_000, '').id)).toBe('ada@example.com');
  // Its new spelling is another account's: two accounts are not merged, and the normalised one answers.
  expect(emails.get(account(2_001, '').id)).toBe('lin@bücher.de');
  expect(emails.get(account(2_002, '').id)).toBe('lin@xn--bcher-kva.de');
  // The local part stays in Unicode; only the domain has an ASCII form.
  expect(emails.get(account(2_003, '').id)).toBe('zoë@xn--mller-kva.example');
}

const reason = await postgresUnavailableReason();

describe('AsciiEmailDomains1797100000000', () => {
  it('rewrites every stored Unicode domain to ASCII on SQLite, leaving taken spellings alone', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'seam-identity-emails-'));
    try {
      expectRespelt(await emailsAfterUpgrade({ kind: 'sqlite', dataDir }));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  describe(`on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
    let database: TemporaryPostgres | undefined;
    afterAll(() => database?.drop());

    (reason ? it.skip : it)(
      'rewrites every stored Unicode domain to ASCII, leaving taken spellings alone',
      async () => {
        database = await TemporaryPostgres.create();
        expectRespelt(await emailsAfterUpgrade({ kind: 'postgres', url: database.url }));
      },
    );
  });
});
