import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { UnauthorizedError } from '@seam/transport';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { newUser, withRoles } from '../domain/user.js';
import { identityData } from '../identity.data.js';
import { AccessTokens } from '../infrastructure/access-tokens.js';
import { UserRepository } from '../infrastructure/user.repository.js';
import { VerifyTokenController } from './verify-token.controller.js';
import { usersOn } from '../testing/users-on.js';

describe('VerifyTokenController', () => {
  let dataSource: DataSource;
  let users: UserRepository;
  const tokens = new AccessTokens(randomBytes(32), 900);
  let controller: VerifyTokenController;
  const ada = newUser(
    { id: randomUUID(), email: 'ada@example.com', name: 'Ada', passwordHash: 'scrypt$…' },
    new Date(),
  );

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    users = usersOn(dataSource);
    await users.insert(ada);
    controller = new VerifyTokenController(users, tokens);
  });
  afterAll(() => dataSource?.destroy());

  describe('verify', () => {
    it('answers the principal from the current account, not from the token', async () => {
      const token = await tokens.issue(ada);
      await expect(controller.verify({ token })).resolves.toEqual({
        userId: ada.id,
        email: 'ada@example.com',
        roles: ['customer'],
      });
      await users.saveRoles(withRoles(ada, ['customer', 'admin'], new Date()));
      await expect(controller.verify({ token })).resolves.toEqual({
        userId: ada.id,
        email: 'ada@example.com',
        roles: ['customer', 'admin'],
      });
    });

    it('refuses a valid token of a user that does not exist', async () => {
      const token = await tokens.issue({
        id: randomUUID(),
        email: 'ghost@example.com',
        roles: ['admin'],
        tokenVersion: 0,
      });
      await expect(controller.verify({ token })).rejects.toThrow(new UnauthorizedError('Token user no longer exists'));
    });

    it('refuses every token issued before a sign-out, and accepts one issued after', async () => {
      const before = await tokens.issue(ada);
      await expect(controller.verify({ token: before })).resolves.toMatchObject({ userId: ada.id });
      await expect(users.revokeTokens(ada.id)).resolves.toBe(true);
      const revoked = new UnauthorizedError('Token was revoked: the account signed out or changed its password');
      // Remembered by the verifier as it is: the account's version is read at every use.
      await expect(controller.verify({ token: before })).rejects.toThrow(revoked);
      const after = await tokens.issue((await users.findById(ada.id))!);
      await expect(controller.verify({ token: after })).resolves.toMatchObject({ userId: ada.id });
      // A version the account never had (a forged claim cannot be signed; a restored database can lag).
      const ahead = await tokens.issue({ ...ada, tokenVersion: 7 });
      await expect(controller.verify({ token: ahead })).rejects.toThrow(revoked);
    });

    it('refuses a token it cannot verify', async () => {
      await expect(controller.verify({ token: 'not-a-token' })).rejects.toBeInstanceOf(UnauthorizedError);
    });
  });
});
