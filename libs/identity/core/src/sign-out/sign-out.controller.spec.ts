import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { NotFoundError, UnauthorizedError } from '@seam/transport';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { newUser } from '../domain/user.js';
import { identityData } from '../identity.data.js';
import { AccessTokens } from '../infrastructure/access-tokens.js';
import type { UserRepository } from '../infrastructure/user.repository.js';
import { usersOn } from '../testing/users-on.js';
import { VerifyTokenController } from '../verify-token/verify-token.controller.js';
import { SignOutController } from './sign-out.controller.js';

describe('SignOutController', () => {
  let dataSource: DataSource;
  let users: UserRepository;
  const tokens = new AccessTokens(randomBytes(32), 900);
  let verify: VerifyTokenController;
  let controller: SignOutController;

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    users = usersOn(dataSource);
    verify = new VerifyTokenController(users, tokens);
    controller = new SignOutController(users);
  });
  afterAll(() => dataSource?.destroy());

  const newAccount = async (email: string) => {
    const user = newUser({ id: randomUUID(), email, name: 'Ada', passwordHash: 'scrypt$…' }, new Date());
    await users.insert(user);
    return user;
  };

  it('refuses every token the account had, on every device, and only that account’s', async () => {
    const ada = await newAccount('ada@example.com');
    const grace = await newAccount('grace@example.com');
    const [phone, laptop, other] = await Promise.all([tokens.issue(ada), tokens.issue(ada), tokens.issue(grace)]);
    await expect(controller.signOut({ userId: ada.id })).resolves.toEqual({ userId: ada.id });
    for (const token of [phone, laptop])
      await expect(verify.verify({ token })).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(verify.verify({ token: other })).resolves.toMatchObject({ userId: grace.id });
    // Signing out again (a retry) revokes again; a token issued in between goes too.
    const between = await tokens.issue((await users.findById(ada.id))!);
    await controller.signOut({ userId: ada.id });
    await expect(verify.verify({ token: between })).rejects.toBeInstanceOf(UnauthorizedError);
    expect((await users.findById(ada.id))!.tokenVersion).toBe(2);
  });

  it('answers NotFound for an account that does not exist', async () => {
    await expect(controller.signOut({ userId: randomUUID() })).rejects.toBeInstanceOf(NotFoundError);
  });
});
