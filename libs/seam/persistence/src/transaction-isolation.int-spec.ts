import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type DataSource, type EntityManager, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
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

const data = defineModuleData({ module: 'note-test', entities: [], migrations: [CreateNote1700000000000] });

/** A transaction that writes `id`, then waits, open, until the test commits or rolls it back. */
function openTransaction(dataSource: DataSource, id: string, log: string[] = []) {
  let wrote!: () => void;
  let end!: (outcome: 'commit' | 'roll back') => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  const ending = new Promise<'commit' | 'roll back'>((resolve) => (end = resolve));
  const done = inTransaction(dataSource, async (manager) => {
    await manager.query('INSERT INTO note (id) VALUES (?)', [id]);
    wrote();
    if ((await ending) === 'roll back') throw new Error(`${id} rolled back`);
    log.push(`${id} committed`);
  });
  return { written, done, commit: () => end('commit'), rollBack: () => end('roll back') };
}

const ids = async (source: DataSource | EntityManager) =>
  ((await source.query('SELECT id FROM note ORDER BY id')) as Array<{ id: string }>).map((row) => row.id);
/** Every query already issued has run, or is waiting its turn (better-sqlite3 runs each at once). */
const othersHadTheirChance = () => new Promise((resolve) => setImmediate(resolve));

describe('inTransaction on SQLite, beside plain queries', () => {
  let dataSource: DataSource;
  beforeEach(async () => {
    dataSource = await openDataSource(dataSourceOptions(data, { kind: 'memory' }));
  });
  afterEach(() => dataSource?.destroy());

  describe('a plain query while a transaction is open', () => {
    it('never sees the rows of a transaction that then rolls back', async () => {
      const open = openTransaction(dataSource, 'ghost');
      await open.written;
      const reading = ids(dataSource);
      await othersHadTheirChance();
      open.rollBack();
      await expect(open.done).rejects.toThrow('ghost rolled back');
      await expect(reading).resolves.toEqual([]);
    });

    it('sees them once the transaction commits, and rows committed before', async () => {
      await dataSource.query(`INSERT INTO note (id) VALUES ('before')`);
      const open = openTransaction(dataSource, 'during');
      await open.written;
      const reading = ids(dataSource);
      await othersHadTheirChance();
      open.commit();
      await open.done;
      await expect(reading).resolves.toEqual(['before', 'during']);
    });

    it('writes apart from it: a plain write is not rolled back with it', async () => {
      const open = openTransaction(dataSource, 'ghost');
      await open.written;
      const writing = dataSource.query(`INSERT INTO note (id) VALUES ('apart')`);
      await othersHadTheirChance();
      open.rollBack();
      await expect(open.done).rejects.toThrow('ghost rolled back');
      await writing;
      await expect(ids(dataSource)).resolves.toEqual(['apart']);
    });

    it('does not hold up the queries of the transaction itself', async () => {
      let wrote!: () => void;
      let goOn!: () => void;
      const written = new Promise<void>((resolve) => (wrote = resolve));
      const proceed = new Promise<void>((resolve) => (goOn = resolve));
      const transaction = inTransaction(dataSource, async (manager) => {
        await manager.query(`INSERT INTO note (id) VALUES ('mine')`);
        wrote();
        await proceed; // a plain read is waiting for this transaction now
        // Its own queries, through its manager or not, run at once: made by its work, they are its.
        return [...(await ids(manager)), ...(await ids(dataSource))];
      });
      await written;
      const reading = ids(dataSource);
      await othersHadTheirChance();
      goOn();
      await expect(transaction).resolves.toEqual(['mine', 'mine']);
      await expect(reading).resolves.toEqual(['mine']);
    });
  });

  describe('order', () => {
    it('serves reads and transactions first come, first served', async () => {
      const log: string[] = [];
      const first = openTransaction(dataSource, 'a', log);
      await first.written;
      const firstRead = ids(dataSource).then((seen) => log.push(`read ${seen.join(',')}`));
      const second = openTransaction(dataSource, 'b', log);
      const secondRead = ids(dataSource).then((seen) => log.push(`read ${seen.join(',')}`));
      await othersHadTheirChance();
      first.commit();
      await second.written;
      second.commit();
      await Promise.all([first.done, second.done, firstRead, secondRead]);
      expect(log).toEqual(['a committed', 'read a', 'b committed', 'read a,b']);
    });

    it('goes on after a transaction that fails: the reads and transactions behind it run', async () => {
      const failing = openTransaction(dataSource, 'x');
      await failing.written;
      const reading = ids(dataSource);
      const next = inTransaction(dataSource, (manager) => manager.query(`INSERT INTO note (id) VALUES ('y')`));
      failing.rollBack();
      await expect(failing.done).rejects.toThrow('x rolled back');
      await expect(reading).resolves.toEqual([]);
      await next;
      await expect(ids(dataSource)).resolves.toEqual(['y']);
    });

    it('answers a plain read at once when no transaction is open', async () => {
      const log: string[] = [];
      const reading = ids(dataSource).then(() => log.push('read'));
      const writing = inTransaction(dataSource, async () => void log.push('transaction'));
      await Promise.all([reading, writing]);
      expect(log).toEqual(['read', 'transaction']);
    });
  });

  describe('a transaction TypeORM opens itself (DataSource.transaction, save() with none open)', () => {
    it.each([
      ['before any inTransaction', false],
      ['after an inTransaction', true],
    ])(
      'has the connection to itself, %s: an inTransaction waits for it, and survives its rollback',
      async (_, warm) => {
        if (warm) await inTransaction(dataSource, (manager) => manager.query('SELECT 1'));
        let began!: () => void;
        let end!: () => void;
        const open = new Promise<void>((resolve) => (began = resolve));
        const ending = new Promise<void>((resolve) => (end = resolve));
        const own = dataSource.transaction(async (manager) => {
          await manager.query(`INSERT INTO note (id) VALUES ('typeorm')`);
          began();
          await ending;
          throw new Error('typeorm rolled back');
        });
        await open;
        const queued = inTransaction(dataSource, (manager) => manager.query(`INSERT INTO note (id) VALUES ('queued')`));
        await othersHadTheirChance();
        end();
        await expect(own).rejects.toThrow('typeorm rolled back');
        await queued;
        await expect(ids(dataSource)).resolves.toEqual(['queued']);
      },
    );
  });

  describe('nesting', () => {
    it('refuses an inTransaction inside another of the same DataSource, rather than wait for itself', async () => {
      await expect(
        inTransaction(dataSource, () => inTransaction(dataSource, (manager) => manager.query('SELECT 1'))),
      ).rejects.toThrow(/inside a transaction of the same DataSource/);
      await expect(inTransaction(dataSource, (manager) => manager.query('SELECT 1 AS one'))).resolves.toEqual([
        { one: 1 },
      ]);
    });

    it('lets a transaction of one DataSource use another, and its own from inside that one', async () => {
      const other = await openDataSource(dataSourceOptions(data, { kind: 'memory' }));
      try {
        await inTransaction(dataSource, async (manager) => {
          await manager.query(`INSERT INTO note (id) VALUES ('outer')`);
          await inTransaction(other, async (inner) => {
            await inner.query(`INSERT INTO note (id) VALUES ('inner')`);
            expect(await ids(dataSource)).toEqual(['outer']);
          });
        });
        await expect(ids(other)).resolves.toEqual(['inner']);
      } finally {
        await other.destroy();
      }
    });
  });
});
