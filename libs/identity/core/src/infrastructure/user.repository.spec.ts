import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Outbox } from '@seam/messaging';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { Hold, readRacingRollback } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { newUser, withRoles } from '../domain/user.js';
import { identityData } from '../identity.data.js';
import { UserRecord } from './user.record.js';
import { UserRepository } from './user.repository.js';
import { usersOn } from '../testing/users-on.js';

const t0 = new Date('2026-11-25T10:00:00.000Z');
const user = (id: string, email: string) => newUser({ id, email, name: 'Ada', passwordHash: 'scrypt$1$2$3$4$5' }, t0);

describe('UserRepository', () => {
  let dataSource: DataSource;
  let users: UserRepository;

  beforeAll(async () => {
    // The real migrations on a private in-memory SQLite database.
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    users = usersOn(dataSource);
  });
  afterAll(() => dataSource?.destroy());

  describe('insert', () => {
    it('stores an account that reads back the same, by id and by email in any case', async () => {
      const ada = user('00000000-0000-4000-8000-000000000001', 'ada@example.com');
      await expect(users.insert(ada)).resolves.toBe(true);
      await expect(users.findById(ada.id)).resolves.toEqual(ada);
      await expect(users.findByEmail('  ADA@Example.com')).resolves.toEqual(ada);
    });

    it('answers false when the email is taken, whatever its case (the unique index decides)', async () => {
      await expect(users.insert(user('00000000-0000-4000-8000-000000000002', 'Ada@EXAMPLE.com'))).resolves.toBe(false);
      await expect(users.findById('00000000-0000-4000-8000-000000000002')).resolves.toBeUndefined();
    });
  });

  describe('saveRoles', () => {
    it('stores new roles and the update time', async () => {
      const grace = user('00000000-0000-4000-8000-000000000003', 'grace@example.com');
      await users.insert(grace);
      const admin = withRoles(grace, ['admin', 'customer'], new Date('2026-11-26T10:00:00.000Z'));
      await users.saveRoles(admin);
      await expect(users.findById(grace.id)).resolves.toEqual(admin);
    });
  });

  describe('findByEmail', () => {
    it('finds an account stored with a Unicode domain (before domains were stored in ASCII) by either spelling', async () => {
      const id = '00000000-0000-4000-8000-000000000011';
      await users.insert(user(id, 'lin@example.com'));
      await dataSource.getRepository(UserRecord).update({ id }, { email: 'lin@bücher.de' });
      for (const email of ['lin@bücher.de', 'Lin@BÜCHER.de', 'lin@xn--bcher-kva.de'])
        await expect(users.findByEmail(email)).resolves.toMatchObject({ id });
    });

    it('answers the account stored under the normalised spelling when both spellings have one', async () => {
      const legacy = '00000000-0000-4000-8000-000000000012';
      await users.insert(user(legacy, 'ming@example.com'));
      await dataSource.getRepository(UserRecord).update({ id: legacy }, { email: 'ming@bücher.de' });
      const current = user('00000000-0000-4000-8000-000000000013', 'ming@bücher.de');
      await expect(users.insert(current)).resolves.toBe(true);
      await expect(users.findByEmail('ming@bücher.de')).resolves.toMatchObject({ id: current.id });
    });
  });

  describe('findById', () => {
    it('answers undefined for an unknown id', async () => {
      await expect(users.findById('00000000-0000-4000-8000-00000000dead')).resolves.toBeUndefined();
    });

    it('drops a stored role this version does not know', async () => {
      const id = '00000000-0000-4000-8000-000000000004';
      await users.insert(user(id, 'barbara@example.com'));
      await dataSource.getRepository(UserRecord).update({ id }, { roles: 'customer,auditor' });
      await expect(users.findById(id)).resolves.toMatchObject({ roles: ['customer'] });
    });

    it('never answers an account whose registration is still open, and then rolls back', async () => {
      const hold = new Hold();
      // The registration stops after writing the account, at its event: its transaction is open.
      const holding = new UserRepository(dataSource.getRepository(UserRecord), dataSource, {
        add: () => hold.here(),
      } as unknown as Outbox);
      const ghost = user('00000000-0000-4000-8000-000000000005', 'ghost@example.com');
      const registering = holding.insert(ghost);
      await expect(readRacingRollback(hold, registering, () => users.findById(ghost.id))).resolves.toBeUndefined();
    });
  });
});
