// Accounts and tokens from the release before token versions, upgraded on both databases a module
// runs on: nobody is signed out by the upgrade, and the step can be undone and done again.
import { afterAll, describe, expect, it } from '@jest/globals';
import { type DatabaseConfig, dataSourceOptions, openDataSource } from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityData } from '../../identity.data.js';
import { usersOn } from '../../testing/users-on.js';
import { VerifyTokenController } from '../../verify-token/verify-token.controller.js';
import { AccessTokens } from '../access-tokens.js';
import { AddTokenVersion1797200000000 } from './1797200000000-add-token-version.js';

const releaseBefore = {
  ...identityData,
  migrations: identityData.migrations.filter((migration) => migration !== AddTokenVersion1797200000000),
};

const ADA = { id: '00000000-0000-4000-8000-000000000001', email: 'ada@example.com', roles: ['customer' as const] };

/** Stored as the release before stored it: no token_version column (so not through `UserRecord`). */
const INSERT_ADA =
  'INSERT INTO user_account (id, email, name, roles, password_hash, created_at, updated_at) ' +
  `VALUES ('${ADA.id}', '${ADA.email}', 'Ada', 'customer', 'scrypt$1$2$3$4$5', '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z')`;

async function upgradeAndUndo(config: DatabaseConfig): Promise<void> {
  const tokens = new AccessTokens(randomBytes(32), 900);
  // The release before signed no version claim: `issue` leaves an undefined claim out of the token.
  const oldToken = await tokens.issue({ ...ADA, tokenVersion: undefined as unknown as number });
  expect(JSON.parse(Buffer.from(oldToken.split('.')[1]!, 'base64url').toString())).not.toHaveProperty('tv');

  const before = await openDataSource(dataSourceOptions(releaseBefore, config));
  try {
    await before.query(INSERT_ADA);
  } finally {
    await before.destroy();
  }

  const after = await openDataSource(dataSourceOptions(identityData, config));
  try {
    const users = usersOn(after);
    const verify = new VerifyTokenController(users, tokens);
    expect((await users.findById(ADA.id))?.tokenVersion).toBe(0);
    await expect(verify.verify({ token: oldToken })).resolves.toMatchObject({ userId: ADA.id });
    // A sign-out after the upgrade ends the old token too.
    expect(await users.revokeTokens(ADA.id)).toBe(true);
    await expect(verify.verify({ token: oldToken })).rejects.toThrow(/revoked/);

    // down(): the column goes, the account and its unique e-mail stay; up() again starts at 0.
    await after.undoLastMigration();
    const [row] = (await after.query(`SELECT * FROM user_account WHERE id = '${ADA.id}'`)) as Array<
      Record<string, unknown>
    >;
    expect(row).toMatchObject({ email: ADA.email, password_hash: 'scrypt$1$2$3$4$5' });
    expect(row).not.toHaveProperty('token_version');
    await expect(after.query(INSERT_ADA.replace(ADA.id, '00000000-0000-4000-8000-000000000002'))).rejects.toThrow(
      /unique/i,
    );
    await after.runMigrations();
    expect((await users.findById(ADA.id))?.tokenVersion).toBe(0);
  } finally {
    await after.destroy();
  }
}

const reason = await postgresUnavailableReason();

describe('AddTokenVersion1797200000000', () => {
  it('keeps the tokens of existing accounts valid on SQLite, and undoes cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'seam-identity-token-version-'));
    try {
      await expect(upgradeAndUndo({ kind: 'sqlite', dataDir })).resolves.toBeUndefined();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  describe(`on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
    let database: TemporaryPostgres | undefined;
    afterAll(() => database?.drop());

    (reason ? it.skip : it)('keeps the tokens of existing accounts valid, and undoes cleanly', async () => {
      database = await TemporaryPostgres.create();
      await upgradeAndUndo({ kind: 'postgres', url: database.url });
    });
  });
});
