import { describe, expect, it } from '@jest/globals';
import { DatabaseConfigError } from '../database-config.error.js';
import { moduleRolesFromEnv } from './module-roles-from-env.js';

const ADMIN = 'postgres://admin:admin-secret@db:5432/shop';
const PASSWORD = 'p%40ss-word-long-enough-1';
const env = (overrides: Record<string, string> = {}) => ({
  DATABASE_ADMIN_URL: ADMIN,
  DATABASE_URL_PAYMENTS: `postgres://seam_payments:${PASSWORD}@db/shop`,
  DATABASE_URL_ORDER_HISTORY: `postgres://seam_order_history:${PASSWORD}@DB:5432/shop`,
  ...overrides,
});
const modules = ['payments', 'order-history'];

describe('moduleRolesFromEnv', () => {
  it('has nothing to provision without DATABASE_ADMIN_URL', () => {
    expect(moduleRolesFromEnv({ DATABASE_URL_PAYMENTS: 'postgres://x:y@db/shop' }, modules)).toBeUndefined();
    expect(moduleRolesFromEnv({ DATABASE_ADMIN_URL: ' ' }, modules)).toBeUndefined();
  });

  it("takes each module's role and password from its own URL, decoded", () => {
    expect(moduleRolesFromEnv(env(), modules)).toEqual({
      adminUrl: ADMIN,
      roles: [
        { module: 'payments', role: 'seam_payments', password: 'p@ss-word-long-enough-1' },
        { module: 'order-history', role: 'seam_order_history', password: 'p@ss-word-long-enough-1' },
      ],
    });
  });

  it.each([
    ['a missing module URL', { DATABASE_URL_ORDER_HISTORY: '' }, 'set DATABASE_URL_ORDER_HISTORY'],
    [
      'a URL without password',
      { DATABASE_URL_PAYMENTS: 'postgres://seam_payments@db/shop' },
      'DATABASE_URL_PAYMENTS must name',
    ],
    [
      'another database',
      { DATABASE_URL_PAYMENTS: `postgres://seam_payments:${PASSWORD}@db/other` },
      'another server or database',
    ],
    [
      'another server',
      { DATABASE_URL_PAYMENTS: `postgres://seam_payments:${PASSWORD}@db2/shop` },
      'another server or database',
    ],
    [
      'a hostile role',
      { DATABASE_URL_PAYMENTS: `postgres://x%22%3B%20DROP%20ROLE%20admin:${PASSWORD}@db/shop` },
      'role name',
    ],
    [
      "the admin's own role",
      { DATABASE_URL_PAYMENTS: `postgres://admin:${PASSWORD}@db/shop` },
      "administrator's own role",
    ],
    [
      'a bad admin URL',
      { DATABASE_ADMIN_URL: 'mysql://admin:admin-secret@db/shop' },
      'DATABASE_ADMIN_URL must be a postgres',
    ],
    [
      'a malformed escape',
      { DATABASE_URL_PAYMENTS: 'postgres://seam_payments:%E0%A4%A@db/shop' },
      'malformed %-escape',
    ],
  ])('refuses %s, naming the variable and no password', (_, overrides, message) => {
    const read = () => moduleRolesFromEnv(env(overrides), modules);
    expect(read).toThrow(DatabaseConfigError);
    expect(read).toThrow(message);
    expect(read).not.toThrow(/admin-secret|ss-word/);
  });
});
