import { describe, expect, it } from '@jest/globals';
import { newUser, type User, withRoles } from './user.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const t1 = new Date('2026-01-02T00:00:00.000Z');
const base = (): User =>
  newUser({ id: 'u-1', email: ' Ada@Example.com ', name: '  Ada  ', passwordHash: 'scrypt$…' }, t0);

describe('user', () => {
  describe('newUser', () => {
    it('is a customer with a normalised email and trimmed name, stamped with now', () => {
      expect(base()).toEqual({
        id: 'u-1',
        email: 'ada@example.com',
        name: 'Ada',
        roles: ['customer'],
        passwordHash: 'scrypt$…',
        tokenVersion: 0,
        createdAt: t0.toISOString(),
        updatedAt: t0.toISOString(),
      });
    });
  });

  describe('withRoles', () => {
    it('sets exactly the given roles, canonically, and stamps the update', () => {
      expect(withRoles(base(), ['admin', 'customer', 'admin'], t1)).toMatchObject({
        roles: ['customer', 'admin'],
        updatedAt: t1.toISOString(),
      });
    });

    it('may take a role away', () => {
      const admin = withRoles(base(), ['customer', 'admin'], t1);
      expect(withRoles(admin, ['admin'], t1).roles).toEqual(['admin']);
    });

    it('returns the same user when the roles do not change', () => {
      const user = base();
      expect(withRoles(user, ['customer', 'customer'], t1)).toBe(user);
    });
  });
});
