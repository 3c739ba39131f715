import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type DataSource, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { defineModuleData } from './module-data.js';
import { openDataSource } from './open-data-source.js';
import { inTransaction } from './transaction.js';
import { isUniqueViolation } from './unique-violation.js';

class CreateCounter1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'counter',
        columns: [
          { name: 'id', type: 'varchar', length: '10', isPrimary: true },
          { name: 'value', type: 'integer' },
        ],
      }),
    );
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('counter');
  }
}

const data = defineModuleData({ module: 'counter-test', entities: [], migrations: [CreateCounter1700000000000] });

describe('inTransaction on SQLite', () => {
  let dataSource: DataSource;
  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(data, { kind: 'memory' }));
    await dataSource.query(`INSERT INTO counter (id, value) VALUES ('c', 0)`);
  });
  afterAll(() => dataSource?.destroy());

  it('ran the migration when the DataSource opened', async () => {
    expect(await dataSource.query('SELECT value FROM counter')).toEqual([{ value: 0 }]);
  });

  it('runs concurrent read-modify-write transactions one at a time, so no update is lost', async () => {
    const increment = () =>
      inTransaction(dataSource, async (manager) => {
        const [{ value }] = (await manager.query(`SELECT value FROM counter WHERE id = 'c'`)) as Array<{
          value: number;
        }>;
        await new Promise((resolve) => setImmediate(resolve)); // let the others try to interleave
        await manager.query(`UPDATE counter SET value = ? WHERE id = 'c'`, [value + 1]);
      });
    await Promise.all(Array.from({ length: 50 }, increment));
    expect(await dataSource.query(`SELECT value FROM counter WHERE id = 'c'`)).toEqual([{ value: 50 }]);
  });

  it('rolls back on error, and a failed transaction does not block the next', async () => {
    await expect(
      inTransaction(dataSource, async (manager) => {
        await manager.query(`UPDATE counter SET value = 999 WHERE id = 'c'`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(inTransaction(dataSource, (manager) => manager.query(`SELECT value FROM counter`))).resolves.toEqual([
      { value: 50 },
    ]);
  });

  it('stays as fast after thousands of transactions: the runner is prepared once, not per transaction', async () => {
    const runner = dataSource.createQueryRunner();
    await inTransaction(dataSource, (manager) => manager.query('SELECT 1'));
    const prepared = runner.query;
    for (let done = 0; done < 2_000; done++) await inTransaction(dataSource, (manager) => manager.query('SELECT 1'));
    expect(dataSource.createQueryRunner()).toBe(runner);
    expect(runner.query).toBe(prepared);
  });

  it('recognises a primary key violation', async () => {
    const error = await dataSource
      .query(`INSERT INTO counter (id, value) VALUES ('c', 1)`)
      .catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('other'))).toBe(false);
  });
});
