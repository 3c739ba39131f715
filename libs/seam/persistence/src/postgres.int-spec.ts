import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { type DataSource, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { defineModuleData } from './module-data.js';
import { openDataSource } from './open-data-source.js';
import { inTransaction } from './transaction.js';

class CreateNote1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({ name: 'note', columns: [{ name: 'id', type: 'varchar', length: '10', isPrimary: true }] }),
    );
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('note');
  }
}

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

suite(`a module's data on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let database: TemporaryPostgres;
  let first: DataSource;
  let second: DataSource;

  beforeAll(async () => {
    database = await TemporaryPostgres.create();
    const config = { kind: 'postgres', url: database.url } as const;
    first = await openDataSource(
      dataSourceOptions(
        defineModuleData({ module: 'order-history', entities: [], migrations: [CreateNote1700000000000] }),
        config,
      ),
    );
    second = await openDataSource(
      dataSourceOptions(
        defineModuleData({ module: 'billing', entities: [], migrations: [CreateNote1700000000000] }),
        config,
      ),
    );
  });
  afterAll(async () => {
    await first?.destroy();
    await second?.destroy();
    await database?.drop();
  });

  it('creates one schema per module and migrates each into its own', async () => {
    const tables = (await first.query(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('order_history', 'billing') ORDER BY 1, 2`,
    )) as Array<{ table_schema: string; table_name: string }>;
    expect(tables.map((row) => `${row.table_schema}.${row.table_name}`)).toEqual([
      'billing.migrations',
      'billing.note',
      'order_history.migrations',
      'order_history.note',
    ]);
  });

  it('keeps unqualified names inside the module schema', async () => {
    await first.query(`INSERT INTO note (id) VALUES ('mine')`);
    expect(await first.query('SELECT id FROM note')).toEqual([{ id: 'mine' }]);
    expect(await second.query('SELECT id FROM note')).toEqual([]);
  });

  it('leaves isolation to PostgreSQL: a read beside an open transaction answers at once, without its rows', async () => {
    let wrote!: () => void;
    let end!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const ending = new Promise<void>((resolve) => (end = resolve));
    const open = inTransaction(first, async (manager) => {
      await manager.query(`INSERT INTO note (id) VALUES ('open')`);
      wrote();
      await ending;
      throw new Error('rolled back');
    });
    await written;
    // Answered while the transaction is still open: on its own pooled connection, not queued behind it.
    await expect(first.query(`SELECT id FROM note WHERE id = 'open'`)).resolves.toEqual([]);
    end();
    await expect(open).rejects.toThrow('rolled back');
  });

  it('refuses to commit a transaction whose work caught the error of a failed statement, which kept nothing', async () => {
    await expect(
      inTransaction(first, async (manager) => {
        await manager.query(`INSERT INTO note (id) VALUES ('swallowed')`);
        await manager.query('SELECT * FROM no_such_table').catch(() => undefined);
        return 'looked fine';
      }),
    ).rejects.toThrow('A statement failed inside the transaction and the error was caught');
    await expect(first.query(`SELECT id FROM note WHERE id = 'swallowed'`)).resolves.toEqual([]);
  });

  it('commits a transaction that recovered from a failed statement through a savepoint', async () => {
    await inTransaction(first, async (manager) => {
      await manager.query(`INSERT INTO note (id) VALUES ('recovered')`);
      await manager.transaction((inner) => inner.query('SELECT * FROM no_such_table')).catch(() => undefined);
    });
    await expect(first.query(`SELECT id FROM note WHERE id = 'recovered'`)).resolves.toEqual([{ id: 'recovered' }]);
  });

  it('opens again without re-running migrations', async () => {
    const again = await openDataSource(
      dataSourceOptions(defineModuleData({ module: 'billing', entities: [], migrations: [CreateNote1700000000000] }), {
        kind: 'postgres',
        url: database.url,
      }),
    );
    expect(await again.query('SELECT count(*)::int AS runs FROM migrations')).toEqual([{ runs: 1 }]);
    await again.destroy();
  });

  it('migrates with a pool of one connection (DATABASE_POOL_SIZE=1): on the connection that holds the lock', async () => {
    const alone = await openDataSource(
      dataSourceOptions(defineModuleData({ module: 'ledger', entities: [], migrations: [CreateNote1700000000000] }), {
        kind: 'postgres',
        url: database.url,
        poolSize: 1,
      }),
    );
    try {
      expect(await alone.query('SELECT count(*)::int AS runs FROM migrations')).toEqual([{ runs: 1 }]);
      expect(await alone.query('SELECT count(*)::int AS notes FROM note')).toEqual([{ notes: 0 }]);
    } finally {
      await alone.destroy();
    }
  });
});
