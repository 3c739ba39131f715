import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { ConflictError, ForbiddenError, UnauthorizedError, ValidationError } from '@seam/transport';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { newUser } from '../domain/user.js';
import { identityData } from '../identity.data.js';
import { AccessTokens } from '../infrastructure/access-tokens.js';
import { PasswordHasher } from '../infrastructure/password-hasher.js';
import type { UserRepository } from '../infrastructure/user.repository.js';
import { LogInController } from '../log-in/log-in.controller.js';
import { usersOn } from '../testing/users-on.js';
import { VerifyTokenController } from '../verify-token/verify-token.controller.js';
import { ChangePasswordController, WRONG_CURRENT_PASSWORD } from './change-password.controller.js';

describe('ChangePasswordController', () => {
  let dataSource: DataSource;
  let users: UserRepository;
  const hasher = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
  const tokens = new AccessTokens(randomBytes(32), 900);
  let controller: ChangePasswordController;
  let logIn: LogInController;
  let verify: VerifyTokenController;

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    users = usersOn(dataSource);
    controller = new ChangePasswordController(users, hasher, tokens);
    logIn = new LogInController(users, hasher, tokens);
    verify = new VerifyTokenController(users, tokens);
  });
  afterAll(() => dataSource?.destroy());

  async function account(password: string): Promise<{ id: string; email: string }> {
    const fields = { id: randomUUID(), email: `${randomUUID()}@example.com`, name: 'Ada' };
    await users.insert(newUser({ ...fields, passwordHash: await hasher.hash(password) }, new Date()));
    return fields;
  }

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (caught: unknown) => caught,
    );

  it('stores the new password, refuses every token issued before, and answers a token that works', async () => {
    const ada = await account('difference-engine');
    const before = (await logIn.logIn({ email: ada.email, password: 'difference-engine' })).accessToken;
    const session = await controller.change({
      userId: ada.id,
      currentPassword: 'difference-engine',
      newPassword: 'analytical-engine',
    });
    expect(session).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: ada.id, email: ada.email } });
    await expect(verify.verify({ token: session.accessToken })).resolves.toMatchObject({ userId: ada.id });
    await expect(failure(verify.verify({ token: before }))).resolves.toBeInstanceOf(UnauthorizedError);
    await expect(failure(logIn.logIn({ email: ada.email, password: 'difference-engine' }))).resolves.toBeInstanceOf(
      UnauthorizedError,
    );
    const again = await logIn.logIn({ email: ada.email, password: 'analytical-engine' });
    await expect(verify.verify({ token: again.accessToken })).resolves.toMatchObject({ userId: ada.id });
  });

  it('refuses a wrong current password (403, not 401) and an unknown account alike, changing nothing', async () => {
    const ada = await account('difference-engine');
    const token = (await logIn.logIn({ email: ada.email, password: 'difference-engine' })).accessToken;
    const wrong = await failure(
      controller.change({ userId: ada.id, currentPassword: 'difference-engine!', newPassword: 'analytical-engine' }),
    );
    const unknown = await failure(
      controller.change({
        userId: randomUUID(),
        currentPassword: 'difference-engine',
        newPassword: 'analytical-engine',
      }),
    );
    for (const error of [wrong, unknown]) {
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error).toMatchObject({ message: WRONG_CURRENT_PASSWORD });
    }
    await expect(verify.verify({ token })).resolves.toMatchObject({ userId: ada.id });
  });

  it('checks the new password against the policy only after the current one, naming the field', async () => {
    const ada = await account('difference-engine');
    const weakWithWrongCurrent = await failure(
      controller.change({ userId: ada.id, currentPassword: 'guess', newPassword: ada.email }),
    );
    expect(weakWithWrongCurrent).toBeInstanceOf(ForbiddenError);
    const weak = await failure(
      controller.change({ userId: ada.id, currentPassword: 'difference-engine', newPassword: ada.email.toUpperCase() }),
    );
    expect(weak).toBeInstanceOf(ValidationError);
    expect(weak).toMatchObject({
      details: { fields: [{ path: 'newPassword', messages: ['password must not be the email address'] }] },
    });
    await expect(logIn.logIn({ email: ada.email, password: 'difference-engine' })).resolves.toBeDefined();
  });

  it('lets one of two concurrent changes win and tells the other, never mixing them', async () => {
    const ada = await account('difference-engine');
    const [first, second] = await Promise.all(
      ['analytical-engine', 'jacquard-loom-cards'].map((newPassword) =>
        failure(controller.change({ userId: ada.id, currentPassword: 'difference-engine', newPassword })),
      ),
    );
    const outcomes = [first, second].map((outcome) => (outcome instanceof ConflictError ? 'conflict' : 'changed'));
    expect(outcomes.toSorted()).toEqual(['changed', 'conflict']);
    const winner = first instanceof ConflictError ? 'jacquard-loom-cards' : 'analytical-engine';
    await expect(logIn.logIn({ email: ada.email, password: winner })).resolves.toBeDefined();
    expect((await users.findById(ada.id))!.tokenVersion).toBe(1);
  });
});
