import { describe, expect, it } from '@jest/globals';
import { DatabaseConfigError } from './database-config.error.js';
import { databaseConfigFromEnv, moduleDatabaseUrl, moduleUrlCoverage, schemaOf } from './database-config.js';

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

    it('takes when an SQLite commit reaches the disk from SQLITE_SYNCHRONOUS, and refuses any other setting', () => {
      expect(databaseConfigFromEnv({ SQLITE_SYNCHRONOUS: 'full' })).toMatchObject({
        kind: 'sqlite',
        synchronous: 'full',
      });
      expect(databaseConfigFromEnv({ SQLITE_SYNCHRONOUS: ' Normal ' })).toMatchObject({ synchronous: 'normal' });
      // Unset or empty: the default is dataSourceOptions' (DEFAULT_SQLITE_SYNCHRONOUS)…
      expect(databaseConfigFromEnv({ SQLITE_SYNCHRONOUS: '' })).not.toHaveProperty('synchronous');
      // …but production syncs every commit unless told otherwise.
      expect(databaseConfigFromEnv({ NODE_ENV: 'production' })).toMatchObject({ synchronous: 'full' });
      expect(databaseConfigFromEnv({ NODE_ENV: 'production', SQLITE_SYNCHRONOUS: 'normal' })).toMatchObject({
        synchronous: 'normal',
      });
      // A near miss of production is refused, not read as development (which would sync less).
      expect(() => databaseConfigFromEnv({ NODE_ENV: 'Production' })).toThrow(
        expect.objectContaining({ constructor: DatabaseConfigError, variable: 'NODE_ENV' }),
      );
      expect(() => databaseConfigFromEnv({ NODE_ENV: ' production', DATABASE_URL: 'postgres://h/db' })).toThrow(
        /^NODE_ENV must be exactly one of/,
      );
      for (const bad of ['off', 'extra', '1', 'fullest', 'normal;'])
        expect(() => databaseConfigFromEnv({ SQLITE_SYNCHRONOUS: bad })).toThrow(
          expect.objectContaining({
            constructor: DatabaseConfigError,
            variable: 'SQLITE_SYNCHRONOUS',
            message: expect.stringMatching(/^SQLITE_SYNCHRONOUS must be normal .* or full /),
          }),
        );
    });

    it('selects PostgreSQL with a postgres:// or postgresql:// DATABASE_URL', () => {
      expect(databaseConfigFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432/shop' })).toEqual({
        kind: 'postgres',
        url: 'postgres://u:p@db:5432/shop',
        poolSize: 10,
      });
      expect(databaseConfigFromEnv({ DATABASE_URL: 'postgresql://db/shop' }).kind).toBe('postgres');
    });

    it('takes the pool size per module from DATABASE_POOL_SIZE, and refuses one that cannot be', () => {
      const url = 'postgres://db/shop';
      expect(databaseConfigFromEnv({ DATABASE_URL: url, DATABASE_POOL_SIZE: ' 4 ' })).toMatchObject({ poolSize: 4 });
      expect(databaseConfigFromEnv({ DATABASE_URL: url, DATABASE_POOL_SIZE: '' })).toMatchObject({ poolSize: 10 });
      for (const bad of ['0', '-1', '2.5', '101', 'ten', '1e1x'])
        expect(() => databaseConfigFromEnv({ DATABASE_URL: url, DATABASE_POOL_SIZE: bad })).toThrow(
          /^DATABASE_POOL_SIZE must be a whole number from 1 to 100/,
        );
    });

    it('names statements unless DATABASE_PREPARED_STATEMENTS=off, and refuses any other value', () => {
      const url = 'postgres://db/shop';
      for (const on of [undefined, '', 'on', ' ON '])
        expect(databaseConfigFromEnv({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: on })).not.toHaveProperty(
          'preparedStatements',
        );
      expect(databaseConfigFromEnv({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: ' Off' })).toMatchObject({
        preparedStatements: false,
      });
      for (const bad of ['no', 'false', '0', 'off;on'])
        expect(() => databaseConfigFromEnv({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: bad })).toThrow(
          /^DATABASE_PREPARED_STATEMENTS must be on .* or off/,
        );
    });

    it('refuses a bad database setting whatever the database, naming the variable', () => {
      // On SQLite the PostgreSQL settings go unused, but a bad one still stops the start: it would
      // otherwise wait for the move to PostgreSQL to be found.
      expect(() => databaseConfigFromEnv({ DATABASE_POOL_SIZE: '0' })).toThrow(
        expect.objectContaining({
          constructor: DatabaseConfigError,
          variable: 'DATABASE_POOL_SIZE',
          message: expect.stringMatching(/^DATABASE_POOL_SIZE must be a whole number from 1 to 100/),
        }),
      );
      expect(() => databaseConfigFromEnv({ DATA_DIR: '/srv/seam', DATABASE_PREPARED_STATEMENTS: 'maybe' })).toThrow(
        expect.objectContaining({
          constructor: DatabaseConfigError,
          variable: 'DATABASE_PREPARED_STATEMENTS',
          message: expect.stringMatching(/^DATABASE_PREPARED_STATEMENTS must be on .* or off/),
        }),
      );
      // And the SQLite setting on PostgreSQL.
      expect(() => databaseConfigFromEnv({ DATABASE_URL: 'postgres://db/shop', SQLITE_SYNCHRONOUS: 'off' })).toThrow(
        expect.objectContaining({ constructor: DatabaseConfigError, variable: 'SQLITE_SYNCHRONOUS' }),
      );
      // Good values of the other database's settings change nothing.
      expect(
        databaseConfigFromEnv({ DATA_DIR: '/srv/seam', DATABASE_POOL_SIZE: '4', DATABASE_PREPARED_STATEMENTS: 'off' }),
      ).toEqual({ kind: 'sqlite', dataDir: '/srv/seam' });
      expect(databaseConfigFromEnv({ DATABASE_URL: 'postgres://db/shop', SQLITE_SYNCHRONOUS: 'full' })).toEqual({
        kind: 'postgres',
        url: 'postgres://db/shop',
        poolSize: 10,
      });
    });

    it('refuses a DATABASE_URL that is not a postgres URL, without echoing credentials', () => {
      expect(() => databaseConfigFromEnv({ DATABASE_URL: 'mysql://root:secret@db/shop' })).toThrow(
        /DATABASE_URL must be a postgres:\/\/ URL/,
      );
      expect(() => databaseConfigFromEnv({ DATABASE_URL: 'mysql://root:secret@db/shop' })).not.toThrow(/secret/);
      expect(() => databaseConfigFromEnv({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL is not a URL/);
    });
  });

  describe('databaseConfigFromEnv with one URL per module', () => {
    const own = 'postgres://seam_payments:pw@db:5432/shop';

    it('gives a module its own URL from DATABASE_URL_<MODULE>, with or without a shared DATABASE_URL', () => {
      expect(databaseConfigFromEnv({ DATABASE_URL_PAYMENTS: own, DATABASE_URL_ORDER_HISTORY: own })).toEqual({
        kind: 'postgres',
        moduleUrls: { payments: own, order_history: own },
        poolSize: 10,
      });
      expect(databaseConfigFromEnv({ DATABASE_URL: 'postgres://db/shop', DATABASE_URL_PAYMENTS: own })).toEqual({
        kind: 'postgres',
        url: 'postgres://db/shop',
        moduleUrls: { payments: own },
        poolSize: 10,
      });
      expect(databaseConfigFromEnv({ DATABASE_URL_PAYMENTS: '  ' })).toMatchObject({ kind: 'sqlite' });
    });

    it('refuses a per-module variable that names no module, or is no postgres URL, naming it and not its value', () => {
      for (const variable of ['DATABASE_URL_', 'DATABASE_URL_payments', 'DATABASE_URL_PAY-MENTS', 'DATABASE_URL_1X']) {
        expect(() => databaseConfigFromEnv({ [variable]: own })).toThrow(DatabaseConfigError);
        expect(() => databaseConfigFromEnv({ [variable]: own })).toThrow(`${variable} does not name a module`);
      }
      expect(() => databaseConfigFromEnv({ DATABASE_URL_PAYMENTS: 'mysql://u:hunter2@db/x' })).toThrow(
        /^DATABASE_URL_PAYMENTS must be a postgres:\/\/ URL, got mysql:\/\/…$/,
      );
      expect(() => databaseConfigFromEnv({ DATABASE_URL_PAYMENTS: 'hunter2' })).toThrow(
        /^DATABASE_URL_PAYMENTS is not a URL/,
      );
    });
  });

  describe('moduleDatabaseUrl', () => {
    it("takes the module's own URL first, else the shared one, else names both variables", () => {
      const config = {
        kind: 'postgres',
        url: 'postgres://db/shared',
        moduleUrls: { order_history: 'postgres://oh@db/x' },
      } as const;
      expect(moduleDatabaseUrl(config, 'order-history')).toBe('postgres://oh@db/x');
      expect(moduleDatabaseUrl(config, 'payments')).toBe('postgres://db/shared');
      expect(() => moduleDatabaseUrl({ kind: 'postgres', moduleUrls: {} }, 'payments')).toThrow(
        'module payments has no database: set DATABASE_URL_PAYMENTS (or DATABASE_URL)',
      );
    });
  });

  describe('moduleUrlCoverage', () => {
    it('tells which modules have their own URL and which variables name no module', () => {
      const config = databaseConfigFromEnv({
        DATABASE_URL: 'postgres://db/s',
        DATABASE_URL_PAYMENT: 'postgres://db/s',
      });
      expect(moduleUrlCoverage(config, ['payments', 'orders'])).toEqual({
        own: [],
        shared: ['payments', 'orders'],
        unknownVariables: ['DATABASE_URL_PAYMENT'],
      });
      expect(moduleUrlCoverage({ kind: 'memory' }, ['payments'])).toEqual({
        own: [],
        shared: [],
        unknownVariables: [],
      });
    });
  });

  describe('schemaOf', () => {
    it('turns a module name into a schema name', () => {
      expect(schemaOf('order-history')).toBe('order_history');
      expect(schemaOf('orders')).toBe('orders');
    });
  });
});
