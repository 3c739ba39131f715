import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { UserRegistered } from '@contracts/identity';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { ConflictError, ValidationError } from '@seam/transport';
import type { DataSource } from 'typeorm';
import { identityData } from '../identity.data.js';
import { PasswordHasher } from '../infrastructure/password-hasher.js';
import { UserRepository } from '../infrastructure/user.repository.js';
import { RegisterUserController } from './register-user.controller.js';
import { outboxOf, usersOn } from '../testing/users-on.js';

const hasher = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });

describe('RegisterUserController', () => {
  let dataSource: DataSource;
  let users: UserRepository;
  let controller: RegisterUserController;

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    users = usersOn(dataSource);
    controller = new RegisterUserController(users, hasher);
  });
  afterAll(() => dataSource?.destroy());

  describe('register', () => {
    it('stores a customer with a normalised email and a hash of the password, and answers its view', async () => {
      const view = await controller.register({
        email: ' Ada@Example.com',
        password: 'difference-engine',
        name: 'Ada ',
      });
      expect(view).toEqual({
        id: expect.any(String),
        email: 'ada@example.com',
        name: 'Ada',
        roles: ['customer'],
        createdAt: expect.any(String),
      });
      const stored = await users.findById(view.id);
      expect(stored?.passwordHash).not.toContain('difference-engine');
      await expect(hasher.verify('difference-engine', stored?.passwordHash)).resolves.toBe(true);
    });

    it('writes userRegistered to its outbox with the account, about that account', async () => {
      const before = (await outboxOf(dataSource)).length;
      const view = await controller.register({ email: 'grace@example.com', password: 'cobol-1959', name: 'Grace' });
      const written = (await outboxOf(dataSource)).slice(before);
      expect(written.map(({ pattern, aggregateId }) => [pattern, aggregateId])).toEqual([
        ['identity.user.registered', view.id],
      ]);
      const event = written[0]!.payload as UserRegistered;
      expect(event).toEqual({
        id: expect.any(String),
        occurredAt: view.createdAt,
        userId: view.id,
        email: 'grace@example.com',
        name: 'Grace',
      });
      expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(event.id).not.toBe(view.id);
    });

    it('refuses an email that is taken in another case, and writes no event', async () => {
      const before = (await outboxOf(dataSource)).length;
      await expect(
        controller.register({ email: 'GRACE@example.com', password: 'another-one', name: 'Other' }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await outboxOf(dataSource)).toHaveLength(before);
    });

    it("refuses a mailbox that is taken under its domain's other spelling (Unicode or punycode)", async () => {
      const view = await controller.register({ email: 'ada@Bücher.de', password: 'difference-engine', name: 'Ada' });
      expect(view.email).toBe('ada@xn--bcher-kva.de');
      for (const email of ['ada@xn--bcher-kva.de', 'ADA@BÜCHER.DE', 'ada@bu\u0308cher.de'])
        await expect(controller.register({ email, password: 'difference-engine', name: 'Eve' })).rejects.toBeInstanceOf(
          ConflictError,
        );
    });

    it('refuses a taken email before hashing the password: a conflict costs no scrypt work', async () => {
      let hashes = 0;
      const counting = Object.assign(Object.create(hasher) as PasswordHasher, {
        hash: (password: string) => {
          hashes += 1;
          return hasher.hash(password);
        },
      });
      const guarded = new RegisterUserController(users, counting);
      const error = await guarded
        .register({ email: ' Grace@Example.com', password: 'yet-another-one', name: 'Grace' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).details).toEqual({ email: 'grace@example.com' });
      expect(hashes).toBe(0);
      await guarded.register({ email: 'barbara@example.com', password: 'liskov-1987', name: 'Barbara' });
      expect(hashes).toBe(1);
    });

    it('refuses the email address as password, naming the field', async () => {
      const error = await controller
        .register({ email: 'alan@example.com', password: 'Alan@Example.com', name: 'Alan' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual([
        { path: 'password', messages: ['password must not be the email address'] },
      ]);
      await expect(users.findByEmail('alan@example.com')).resolves.toBeUndefined();
    });
  });
});
