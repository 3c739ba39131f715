import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IdentityContract, type UserRegistered } from '@contracts/identity';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { ConflictError, type EventEntry, type SeamClient, ValidationError } from '@seam/transport';
import type { DataSource } from 'typeorm';
import { identityData } from '../identity.data.js';
import { PasswordHasher } from '../infrastructure/password-hasher.js';
import { UserRecord } from '../infrastructure/user.record.js';
import { UserRepository } from '../infrastructure/user.repository.js';
import { RegisterUserController } from './register-user.controller.js';

const hasher = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });

describe('RegisterUserController', () => {
  let dataSource: DataSource;
  let users: UserRepository;
  const emitted: Array<{ entry: EventEntry; payload: unknown }> = [];
  const seam = { emit: async (entry: EventEntry, payload: unknown) => void emitted.push({ entry, payload }) } as unknown as SeamClient;
  let controller: RegisterUserController;

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    users = new UserRepository(dataSource.getRepository(UserRecord));
    controller = new RegisterUserController(users, hasher, seam);
  });
  afterAll(() => dataSource?.destroy());

  describe('register', () => {
    it('stores a customer with a normalised email and a hash of the password, and answers its view', async () => {
      const view = await controller.register({ email: ' Ada@Example.com', password: 'difference-engine', name: 'Ada ' });
      expect(view).toEqual({ id: expect.any(String), email: 'ada@example.com', name: 'Ada', roles: ['customer'], createdAt: expect.any(String) });
      const stored = await users.findById(view.id);
      expect(stored?.passwordHash).not.toContain('difference-engine');
      await expect(hasher.verify('difference-engine', stored?.passwordHash)).resolves.toBe(true);
    });

    it('publishes userRegistered after storing the account', async () => {
      emitted.length = 0;
      const view = await controller.register({ email: 'grace@example.com', password: 'cobol-1959', name: 'Grace' });
      expect(emitted.map(({ entry }) => entry)).toEqual([IdentityContract.userRegistered]);
      const event = emitted[0]!.payload as UserRegistered;
      expect(event).toEqual({ id: expect.any(String), occurredAt: view.createdAt, userId: view.id, email: 'grace@example.com', name: 'Grace' });
      expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(event.id).not.toBe(view.id);
    });

    it('refuses an email that is taken in another case, and publishes nothing', async () => {
      emitted.length = 0;
      await expect(controller.register({ email: 'GRACE@example.com', password: 'another-one', name: 'Other' })).rejects.toBeInstanceOf(ConflictError);
      expect(emitted).toEqual([]);
    });

    it('refuses the email address as password, naming the field', async () => {
      const error = await controller.register({ email: 'alan@example.com', password: 'Alan@Example.com', name: 'Alan' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual([{ path: 'password', messages: ['password must not be the email address'] }]);
      await expect(users.findByEmail('alan@example.com')).resolves.toBeUndefined();
    });
  });
});
