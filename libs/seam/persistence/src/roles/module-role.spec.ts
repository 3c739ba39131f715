import { describe, expect, it } from '@jest/globals';
import { DatabaseConfigError } from '../database-config.error.js';
import { checkModuleRoles, checkRoleName, defaultModuleRole, type ModuleRole } from './module-role.js';
import { provisionModuleRoles } from './provision-module-roles.js';

const password = 'a-long-enough-password-0123';
const role = (overrides: Partial<ModuleRole> = {}): ModuleRole => ({
  module: 'payments',
  role: 'seam_payments',
  password,
  ...overrides,
});
/** Nothing listens here: a refusal that arrives instead of a connection error came before any SQL. */
const UNREACHABLE = 'postgres://admin:secret@127.0.0.1:1/shop';

describe('module roles', () => {
  describe('defaultModuleRole', () => {
    it('names a module role after its schema', () => {
      expect(defaultModuleRole('order-history')).toBe('seam_order_history');
    });
  });

  describe('checkRoleName', () => {
    it.each([
      ['a quote', 'x"; DROP SCHEMA orders CASCADE; --'],
      ['upper case', 'Seam_Payments'],
      ['a space', 'seam payments'],
      ['a leading digit', '1seam'],
      ['a NUL', 'seam\0x'],
      ['64 characters', `s${'x'.repeat(63)}`],
      ['nothing', ''],
      ['a unicode look-alike', 'seаm'],
    ])('refuses %s', (_, name) => {
      expect(() => checkRoleName(name, 'DATABASE_URL_PAYMENTS')).toThrow(DatabaseConfigError);
      expect(() => checkRoleName(name, 'DATABASE_URL_PAYMENTS')).toThrow(/^DATABASE_URL_PAYMENTS: role name/);
    });

    it.each(['pg_read_all_data', 'public', 'postgres', 'current_user'])('refuses the reserved %s', (name) => {
      expect(() => checkRoleName(name, 'x')).toThrow(`x: role name ${name} is reserved`);
    });

    it("refuses the administrator's own role, and takes a plain one", () => {
      expect(() => checkRoleName('admin', 'x', 'admin')).toThrow(/the administrator's own role/);
      expect(() => checkRoleName('seam_payments', 'x', 'admin')).not.toThrow();
    });
  });

  describe('checkModuleRoles', () => {
    it.each([
      ['a hostile module name', [role({ module: 'payments"; DROP ROLE admin; --' })], /module name .* is refused/],
      ['a short password', [role({ password: 'short' })], /16 to 1024 printable ASCII/],
      ['a password with a newline', [role({ password: `${password}\n` })], /16 to 1024 printable ASCII/],
      ['a non-ASCII password', [role({ password: `${password}é` })], /16 to 1024 printable ASCII/],
      ['one role for two modules', [role(), role({ module: 'orders' })], /both given role seam_payments/],
      ['no roles at all', [], /no module roles/],
    ])('refuses %s, without the password in the message', (_, roles, message) => {
      expect(() => checkModuleRoles(roles)).toThrow(message);
      expect(() => checkModuleRoles(roles)).not.toThrow(password);
    });
  });

  describe('provisionModuleRoles', () => {
    it('refuses hostile input before it connects', async () => {
      for (const roles of [
        [role({ role: 'x" SUPERUSER; --' })],
        [role({ module: '../orders' })],
        [role({ role: 'admin' })],
      ])
        await expect(provisionModuleRoles(UNREACHABLE, roles)).rejects.toBeInstanceOf(DatabaseConfigError);
    });

    it('names the admin URL, not its password, when it cannot connect', async () => {
      const failure = provisionModuleRoles(UNREACHABLE, [role()]);
      await expect(failure).rejects.toThrow(/^cannot connect with DATABASE_ADMIN_URL: /);
      await expect(failure).rejects.not.toThrow(/secret|a-long-enough/);
    });
  });
});
