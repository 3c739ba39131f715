import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { NotFoundError, ValidationError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { newUser } from '../domain/user.js';
import { identityData } from '../identity.data.js';
import { UserRepository } from '../infrastructure/user.repository.js';
import { GrantRolesController } from './grant-roles.controller.js';
import { usersOn } from '../testing/users-on.js';

describe('GrantRolesController', () => {
  let dataSource: DataSource;
  let users: UserRepository;
  let controller: GrantRolesController;
  const ada = newUser(
    { id: randomUUID(), email: 'ada@example.com', name: 'Ada', passwordHash: 'scrypt$…' },
    new Date('2026-01-01T00:00:00.000Z'),
  );

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    users = usersOn(dataSource);
    await users.insert(ada);
    controller = new GrantRolesController(users);
  });
  afterAll(() => dataSource?.destroy());

  describe('grant', () => {
    it('stores exactly the given roles, without duplicates, and answers the view', async () => {
      await expect(controller.grant({ userId: ada.id, roles: ['admin', 'customer', 'admin'] })).resolves.toMatchObject({
        roles: ['customer', 'admin'],
      });
      const stored = await users.findById(ada.id);
      expect(stored?.roles).toEqual(['customer', 'admin']);
      expect(stored?.updatedAt).not.toBe(ada.updatedAt);
    });

    it('can take a role away', async () => {
      await controller.grant({ userId: ada.id, roles: ['admin'] });
      await expect(users.findById(ada.id)).resolves.toMatchObject({ roles: ['admin'] });
    });

    it('refuses an empty list, naming the field, and keeps the roles', async () => {
      const error = await controller.grant({ userId: ada.id, roles: [] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual([{ path: 'roles', messages: ['roles must not be empty'] }]);
      await expect(users.findById(ada.id)).resolves.toMatchObject({ roles: ['admin'] });
    });

    it('answers NotFound for an unknown user', async () => {
      await expect(controller.grant({ userId: randomUUID(), roles: ['customer'] })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });
});
