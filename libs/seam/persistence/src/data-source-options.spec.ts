import { describe, expect, it } from '@jest/globals';
import { dataSourceOptions, MIGRATIONS_TABLE } from './data-source-options.js';
import { defineModuleData } from './module-data.js';

class Thing {}
class CreateThing1 {}
const data = defineModuleData({ module: 'order-history', entities: [Thing], migrations: [CreateThing1] });

describe('dataSourceOptions', () => {
  it('gives a module its own SQLite file, migrations on start, never synchronize', () => {
    const options = dataSourceOptions(data, { kind: 'sqlite', dataDir: '/srv/data' });
    expect(options).toMatchObject({
      type: 'better-sqlite3',
      database: '/srv/data/order-history.sqlite',
      entities: [Thing],
      migrations: [CreateThing1],
      migrationsRun: true,
      migrationsTableName: MIGRATIONS_TABLE,
      synchronize: false,
    });
  });

  it('gives a module its own PostgreSQL schema, and only that schema on its search path', () => {
    const options = dataSourceOptions(data, { kind: 'postgres', url: 'postgres://db/shop' });
    expect(options).toMatchObject({
      type: 'postgres',
      url: 'postgres://db/shop',
      schema: 'order_history',
      synchronize: false,
    });
    expect((options as { extra: { options: string } }).extra.options).toBe('-c search_path=order_history');
  });

  it('uses a private in-memory database for tests', () => {
    expect(dataSourceOptions(data, { kind: 'memory' })).toMatchObject({ type: 'better-sqlite3', database: ':memory:' });
  });
});

describe('defineModuleData', () => {
  it('refuses a module name that is not kebab-case', () => {
    expect(() => defineModuleData({ module: 'Orders', entities: [], migrations: [] })).toThrow(/kebab-case/);
  });
});
