import { describe, expect, it } from '@jest/globals';
import { databaseConfigFromEnv, schemaOf } from './database-config.js';

describe('database-config', () => {
  describe('databaseConfigFromEnv', () => {
    it('defaults to SQLite files under ./data, as an absolute path', () => {
      const config = databaseConfigFromEnv({});
      expect(config).toEqual({ kind: 'sqlite', dataDir: `${process.cwd()}/data` });
    });

    it('takes DATA_DIR, relative or absolute', () => {
      expect(databaseConfigFromEnv({ DATA_DIR: '/var/lib/seam' })).toEqual({
        kind: 'sqlite',
        dataDir: '/var/lib/seam',
      });
      expect(databaseConfigFromEnv({ DATA_DIR: 'tmp/x' })).toEqual({
        kind: 'sqlite',
        dataDir: `${process.cwd()}/tmp/x`,
      });
      expect(databaseConfigFromEnv({ DATA_DIR: '   ' })).toEqual({ kind: 'sqlite', dataDir: `${process.cwd()}/data` });
    });

    it('selects PostgreSQL with a postgres:// or postgresql:// DATABASE_URL', () => {
      expect(databaseConfigFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432/shop' })).toEqual({
        kind: 'postgres',
        url: 'postgres://u:p@db:5432/shop',
      });
      expect(databaseConfigFromEnv({ DATABASE_URL: 'postgresql://db/shop' }).kind).toBe('postgres');
    });

    it('refuses a DATABASE_URL that is not a postgres URL, without echoing credentials', () => {
      expect(() => databaseConfigFromEnv({ DATABASE_URL: 'mysql://root:secret@db/shop' })).toThrow(
        /DATABASE_URL must be a postgres:\/\/ URL/,
      );
      expect(() => databaseConfigFromEnv({ DATABASE_URL: 'mysql://root:secret@db/shop' })).not.toThrow(/secret/);
      expect(() => databaseConfigFromEnv({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL is not a URL/);
    });
  });

  describe('schemaOf', () => {
    it('turns a module name into a schema name', () => {
      expect(schemaOf('order-history')).toBe('order_history');
      expect(schemaOf('orders')).toBe('orders');
    });
  });
});
