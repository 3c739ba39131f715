import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { NotFoundError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { newUser } from '../domain/user.js';
import { identityData } from '../identity.data.js';
import { GetUserController } from './get-user.controller.js';
import { usersOn } from '../testing/users-on.js';

describe('GetUserController', () => {
  let dataSource: DataSource;
  let controller: GetUserController;
  const t0 = new Date('2026-11-25T10:00:00.000Z');
  const ada = newUser(
    { id: randomUUID(), email: 'ada@example.com', name: 'Ada', passwordHash: 'scrypt$secret-hash' },
    t0,
  );

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    const users = usersOn(dataSource);
    await users.insert(ada);
    controller = new GetUserController(users);
  });
  afterAll(() => dataSource?.destroy());

  describe('get', () => {
    it('answers the user view, without the password hash', async () => {
      const view = await controller.get({ userId: ada.id });
      expect(view).toEqual({
        id: ada.id,
        email: 'ada@example.com',
        name: 'Ada',
        roles: ['customer'],
        createdAt: t0.toISOString(),
      });
      expect(JSON.stringify(view)).not.toContain('secret-hash');
    });

    it('answers NotFound for an unknown id', async () => {
      await expect(controller.get({ userId: randomUUID() })).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
