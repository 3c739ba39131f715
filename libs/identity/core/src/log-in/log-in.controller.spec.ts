import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { UnauthorizedError } from '@seam/transport';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { newUser } from '../domain/user.js';
import { identityData } from '../identity.data.js';
import { AccessTokens } from '../infrastructure/access-tokens.js';
import { PasswordHasher } from '../infrastructure/password-hasher.js';
import { INVALID_CREDENTIALS, LogInController } from './log-in.controller.js';
import { usersOn } from '../testing/users-on.js';

/** A hasher that counts the checks it makes, and whether each had a stored hash. */
class CountingHasher extends PasswordHasher {
  readonly checks: Array<'stored' | 'none'> = [];

  override verify(password: string, stored: string | undefined): Promise<boolean> {
    this.checks.push(stored === undefined ? 'none' : 'stored');
    return super.verify(password, stored);
  }
}

describe('LogInController', () => {
  let dataSource: DataSource;
  const hasher = new CountingHasher({ N: 2 ** 10, r: 8, p: 1 });
  const tokens = new AccessTokens(randomBytes(32), 900);
  let controller: LogInController;
  const ada = { id: randomUUID(), email: 'ada@example.com', name: 'Ada' };

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    const users = usersOn(dataSource);
    await users.insert(newUser({ ...ada, passwordHash: await hasher.hash('difference-engine') }, new Date()));
    controller = new LogInController(users, hasher, tokens);
  });
  afterAll(() => dataSource?.destroy());

  async function refusal(email: string, password: string): Promise<unknown> {
    return controller.logIn({ email, password }).then(
      () => 'accepted',
      (caught: unknown) => caught,
    );
  }

  describe('logIn', () => {
    it('answers a bearer token for the user, with its lifetime, for any case of the email', async () => {
      const session = await controller.logIn({ email: 'ADA@example.com', password: 'difference-engine' });
      expect(session).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { id: ada.id, email: 'ada@example.com', roles: ['customer'] },
      });
      await expect(tokens.verify(session.accessToken)).resolves.toEqual({ subject: ada.id, version: 0 });
    });

    it('refuses a wrong password and an unknown email with the same error', async () => {
      const wrong = await refusal('ada@example.com', 'difference-engine!');
      const unknown = await refusal('nobody@example.com', 'difference-engine');
      for (const error of [wrong, unknown]) {
        expect(error).toBeInstanceOf(UnauthorizedError);
        expect(error).toMatchObject({ message: INVALID_CREDENTIALS, details: {} });
      }
    });

    it('still checks a password when the email is unknown (no timing oracle)', async () => {
      hasher.checks.length = 0;
      await refusal('nobody@example.com', 'difference-engine');
      expect(hasher.checks).toEqual(['none']);
    });

    it('upgrades a hash made with a weaker cost at the next successful log-in, and then keeps it', async () => {
      const grace = { id: randomUUID(), email: 'grace@example.com', name: 'Grace' };
      const weak = new PasswordHasher({ N: 2 ** 9, r: 8, p: 1 });
      const users = usersOn(dataSource);
      await users.insert(newUser({ ...grace, passwordHash: await weak.hash('compiler-first') }, new Date()));
      const storedHash = async () => (await users.findByEmail(grace.email))!.passwordHash;
      const before = await storedHash();

      await expect(refusal(grace.email, 'wrong password')).resolves.toBeInstanceOf(UnauthorizedError);
      expect(await storedHash()).toBe(before);

      await controller.logIn({ email: grace.email, password: 'compiler-first' });
      const upgraded = await storedHash();
      expect(upgraded).toMatch(/^scrypt\$1024\$8\$1\$/);
      expect(hasher.needsRehash(upgraded)).toBe(false);
      await expect(hasher.verify('compiler-first', upgraded)).resolves.toBe(true);

      await controller.logIn({ email: grace.email, password: 'compiler-first' });
      expect(await storedHash()).toBe(upgraded);
    });

    it('never overwrites a hash that changed since it was read', async () => {
      const users = usersOn(dataSource);
      const current = (await users.findByEmail(ada.email))!.passwordHash;
      await expect(users.upgradePasswordHash(ada.id, 'scrypt$512$8$1$stale$hash', 'replacement')).resolves.toBe(false);
      expect((await users.findByEmail(ada.email))!.passwordHash).toBe(current);
    });
  });
});
