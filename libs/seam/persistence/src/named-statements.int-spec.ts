import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import {
  type DataSource,
  type EntityManager,
  type MigrationInterface,
  QueryFailedError,
  type QueryRunner,
} from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import type { DatabaseConfig } from './database-config.js';
import { defineModuleData } from './module-data.js';
import { MAX_NAMED_STATEMENTS, namedStatement, namedStatementCount } from './named-statements.js';
import { openDataSource } from './open-data-source.js';
import { inTransaction } from './transaction.js';
import { isUniqueViolation } from './unique-violation.js';

class CreateTally1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE tally (id varchar(20) PRIMARY KEY, n integer NOT NULL)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE tally');
  }
}

const open = (module: string, config: DatabaseConfig) =>
  openDataSource(
    dataSourceOptions(defineModuleData({ module, entities: [], migrations: [CreateTally1700000000000] }), config),
  );

/** The statements prepared on the connection `manager` holds: name → text. */
async function preparedOn(manager: EntityManager): Promise<Map<string, string>> {
  const rows = (await manager.query('SELECT name, statement FROM pg_prepared_statements')) as Array<{
    name: string;
    statement: string;
  }>;
  return new Map(rows.map((row) => [row.name, row.statement]));
}

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

suite(`named statements on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let database: TemporaryPostgres;
  let named: DataSource;
  let unnamed: DataSource;
  const insert = 'INSERT INTO tally (id, n) VALUES ($1, $2) RETURNING id, n';
  const read = 'SELECT id, n FROM tally WHERE id = $1';

  beforeAll(async () => {
    database = await TemporaryPostgres.create();
    named = await open('named', { kind: 'postgres', url: database.url });
    unnamed = await open('unnamed', { kind: 'postgres', url: database.url, preparedStatements: false });
  });
  afterAll(async () => {
    await named?.destroy();
    await unnamed?.destroy();
    await database?.drop();
  });

  it('sends a marked statement under its name, prepared once on the connection, with the same results', async () => {
    await inTransaction(named, async (manager) => {
      expect(await manager.query(namedStatement(named, insert), ['a', 1])).toEqual([{ id: 'a', n: 1 }]);
      expect(await manager.query(namedStatement(named, insert), ['b', 2])).toEqual([{ id: 'b', n: 2 }]);
      expect(await manager.query(read, ['b'])).toEqual([{ id: 'b', n: 2 }]);
      const prepared = await preparedOn(manager);
      expect([...prepared.values()]).toEqual([insert]);
      expect([...prepared.keys()][0]).toMatch(/^seam_\d+$/);
    });
  });

  it('prepares it on every pooled connection that runs it, side by side', async () => {
    const reads = await Promise.all(
      Array.from({ length: 12 }, () => named.query(namedStatement(named, read), ['a']) as Promise<unknown[]>),
    );
    expect(reads).toEqual(Array.from({ length: 12 }, () => [{ id: 'a', n: 1 }]));
    await inTransaction(named, async (manager) => {
      await manager.query(namedStatement(named, read), ['a']);
      expect([...(await preparedOn(manager)).values()]).toContain(read);
    });
  });

  it('fails as an unnamed statement does: a QueryFailedError with the driver error', async () => {
    const failure = await named.query(namedStatement(named, insert), ['a', 9]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(isUniqueViolation(failure)).toBe(true);
    // The connection goes on: the next call of the same statement works.
    await expect(named.query(namedStatement(named, insert), ['c', 3])).resolves.toEqual([{ id: 'c', n: 3 }]);
  });

  it('prepares a statement again once a schema change altered what it returns', async () => {
    // One connection, so that the statement prepared before the change is the one run after it.
    const alone = await open('schema-change', { kind: 'postgres', url: database.url, poolSize: 1 });
    try {
      await alone.query('INSERT INTO tally (id, n) VALUES ($1, $2)', ['a', 1]);
      expect(await alone.query(namedStatement(alone, read), ['a'])).toEqual([{ id: 'a', n: 1 }]);
      await alone.query('ALTER TABLE tally ALTER COLUMN n TYPE bigint');
      // PostgreSQL refuses the stale plan once…
      const stale = await alone.query(namedStatement(alone, read), ['a']).catch((error: unknown) => error);
      expect(stale).toBeInstanceOf(QueryFailedError);
      expect((stale as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('0A000');
      // …and the next call prepares it anew (bigint comes back as a string, as node-postgres reads it).
      expect(await alone.query(namedStatement(alone, read), ['a'])).toEqual([{ id: 'a', n: '1' }]);
      expect(await alone.query(namedStatement(alone, read), ['a'])).toEqual([{ id: 'a', n: '1' }]);
    } finally {
      await alone.destroy();
    }
  });

  it('names nothing with DATABASE_PREPARED_STATEMENTS=off', async () => {
    await inTransaction(unnamed, async (manager) => {
      expect(await manager.query(namedStatement(unnamed, insert), ['a', 1])).toEqual([{ id: 'a', n: 1 }]);
      expect(await preparedOn(manager)).toEqual(new Map());
    });
    expect(namedStatementCount(unnamed)).toBe(0);
  });

  it(`names at most ${MAX_NAMED_STATEMENTS} texts: SQL built from values must not grow the server's statements`, async () => {
    for (let index = 0; index <= MAX_NAMED_STATEMENTS; index++) namedStatement(named, `SELECT ${index} AS n`);
    expect(namedStatementCount(named)).toBe(MAX_NAMED_STATEMENTS);
    await inTransaction(named, async (manager) => {
      // The first texts were named; past the bound a text runs unnamed.
      expect(await manager.query('SELECT 0 AS n')).toEqual([{ n: 0 }]);
      expect(await manager.query(`SELECT ${MAX_NAMED_STATEMENTS} AS n`)).toEqual([{ n: MAX_NAMED_STATEMENTS }]);
      const texts = [...(await preparedOn(manager)).values()];
      expect(texts).toContain('SELECT 0 AS n');
      expect(texts).not.toContain(`SELECT ${MAX_NAMED_STATEMENTS} AS n`);
    });
  });
});

describe('named statements on SQLite', () => {
  it('change nothing: better-sqlite3 prepares every statement itself', async () => {
    const sqlite = await open('sqlite', { kind: 'memory' });
    try {
      const sql = namedStatement(sqlite, 'INSERT INTO tally (id, n) VALUES (?, ?)');
      await sqlite.query(sql, ['a', 1]);
      expect(await sqlite.query('SELECT id, n FROM tally')).toEqual([{ id: 'a', n: 1 }]);
      expect(namedStatementCount(sqlite)).toBe(0);
    } finally {
      await sqlite.destroy();
    }
  });
});
