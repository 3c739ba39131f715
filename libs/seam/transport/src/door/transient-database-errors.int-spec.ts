import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type DatabaseConfig, dataSourceOptions, defineModuleData, openDataSource } from '@seam/persistence';
import { eventually, freePort, ModuleHarness, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import Database from 'better-sqlite3';
import { IsString } from 'class-validator';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { defineContract, request } from '../contracts/define-contract.js';
import { SeamTransportModule } from '../module/seam-transport.module.js';
import { InternalError, UnavailableError } from '../errors/seam-error.js';
import { ContractController, Handle } from './handler.decorators.js';

class CreateEntry1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE entry (id integer PRIMARY KEY, v integer NOT NULL)');
    await runner.query('INSERT INTO entry (id, v) VALUES (1, 0), (2, 0)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE entry');
  }
}
const ledgerData = defineModuleData({ module: 'ledger', entities: [], migrations: [CreateEntry1700000000000] });

class Run {
  @IsString() label!: string;
}
class Ran {
  label!: string;
}
const LedgerContract = defineContract('ledger', {
  run: request({ pattern: 'ledger.run-statement', callers: ['tester'], request: Run, response: Ran }),
});

/** What the handler does on its next call: a real statement on a real database. */
let work: () => Promise<unknown> = () => Promise.resolve();

@ContractController(LedgerContract)
class LedgerController {
  @Handle(LedgerContract.run)
  async run(@Payload() asked: Run): Promise<Ran> {
    await work();
    return { label: asked.label };
  }
}

@Module({ imports: [SeamTransportModule.forModule('ledger')], controllers: [LedgerController] })
class LedgerModule {}

const postgresMissing = await postgresUnavailableReason();

describe('a handler failing on its database, through the door', () => {
  let harness: ModuleHarness;
  let warn: jest.SpiedFunction<Logger['warn']>;
  let error: jest.SpiedFunction<Logger['error']>;

  /** What the caller receives when the handler does `statement`. */
  async function callFailingWith(statement: () => Promise<unknown>): Promise<unknown> {
    work = statement;
    return harness.client.send(LedgerContract.run, { label: 'x' }).catch((caught: unknown) => caught);
  }
  function expectUnavailableAndWarned(received: unknown, driverCode: string): void {
    expect(received).toBeInstanceOf(UnavailableError);
    expect(received).toMatchObject({
      message: 'The database is busy or unreachable; try again',
      details: { reason: 'database-unavailable' },
    });
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/^Transient database error in handler \(correlation id [^)]+\): /);
    expect(warn.mock.calls[0]![0]).toContain(driverCode);
  }
  function expectInternalAndLoggedAsUnexpected(received: unknown): void {
    expect(received).toBeInstanceOf(InternalError);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![0]).toMatch(/^Unexpected error in handler/);
    expect(warn).not.toHaveBeenCalled();
  }

  beforeAll(async () => {
    harness = await ModuleHarness.start({ module: LedgerModule, name: 'ledger' });
  });
  afterAll(() => harness?.close());
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('on SQLite', () => {
    let dataDir: string;
    let ledger: DataSource;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'seam-transient-'));
      ledger = await openDataSource(dataSourceOptions(ledgerData, { kind: 'sqlite', dataDir }));
    });
    afterAll(async () => {
      await ledger?.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('another process holding the write lock past the busy timeout is Unavailable, logged as a warning', async () => {
      const other = new Database(join(dataDir, 'ledger.sqlite'));
      other.exec('BEGIN IMMEDIATE');
      try {
        const received = await callFailingWith(() => ledger.query('UPDATE entry SET v = v + 1 WHERE id = 1'));
        expectUnavailableAndWarned(received, 'SQLITE_BUSY');
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
    }, 20_000);

    it('a unique violation stays Internal, logged as unexpected', async () => {
      const received = await callFailingWith(() => ledger.query('INSERT INTO entry (id, v) VALUES (1, 0)'));
      expectInternalAndLoggedAsUnexpected(received);
    });
  });

  const onPostgres = postgresMissing ? describe.skip : describe;
  onPostgres(`on PostgreSQL${postgresMissing ? ` — skipped: ${postgresMissing}` : ''}`, () => {
    let database: TemporaryPostgres;
    let config: DatabaseConfig;
    let ledger: DataSource;
    let other: DataSource;

    /** Runs `statements` in a transaction of `source` left open: release it with `rollback`. */
    async function openTransaction(source: DataSource, ...statements: string[]): Promise<QueryRunner> {
      const runner = source.createQueryRunner();
      await runner.startTransaction();
      for (const statement of statements) await runner.query(statement);
      return runner;
    }
    async function rollback(runner: QueryRunner): Promise<void> {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }

    beforeAll(async () => {
      database = await TemporaryPostgres.create();
      config = { kind: 'postgres', url: database.url };
      ledger = await openDataSource(dataSourceOptions(ledgerData, config));
      other = await openDataSource(dataSourceOptions(ledgerData, config));
    });
    afterAll(async () => {
      await ledger?.destroy();
      await other?.destroy();
      await database?.drop();
    });

    it('a row lock not available (55P03) is Unavailable', async () => {
      const holder = await openTransaction(other, 'SELECT v FROM entry WHERE id = 1 FOR UPDATE');
      try {
        const received = await callFailingWith(() =>
          ledger.query('SELECT v FROM entry WHERE id = 1 FOR UPDATE NOWAIT'),
        );
        expectUnavailableAndWarned(received, '55P03');
      } finally {
        await rollback(holder);
      }
    });

    it('a serialization failure (40001) is Unavailable', async () => {
      const mine = await openTransaction(ledger);
      try {
        await mine.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await mine.query('SELECT v FROM entry WHERE id = 1');
        await other.query('UPDATE entry SET v = v + 1 WHERE id = 1');
        const received = await callFailingWith(() => mine.query('UPDATE entry SET v = v + 1 WHERE id = 1'));
        expectUnavailableAndWarned(received, '40001');
      } finally {
        await rollback(mine);
      }
    });

    /** Waits until a statement of another session waits for a lock. */
    async function blockedOnLock(statement: string): Promise<void> {
      await eventually(async () => {
        const rows = (await other.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND wait_event_type = 'Lock'",
          [statement],
        )) as Array<{ n: number }>;
        expect(rows[0]!.n).toBe(1);
      });
    }

    it('a deadlock (40P01) is Unavailable', async () => {
      const mine = await openTransaction(ledger, "SET LOCAL deadlock_timeout = '50ms'");
      const theirs = await openTransaction(other, "SET LOCAL deadlock_timeout = '10s'");
      try {
        await mine.query('UPDATE entry SET v = v + 1 WHERE id = 1');
        await theirs.query('UPDATE entry SET v = v + 1 WHERE id = 2');
        const theirsWaits = 'UPDATE entry SET v = v + 10 WHERE id = 1';
        const waiting = theirs.query(theirsWaits);
        await blockedOnLock(theirsWaits);
        // Now each waits for the other's row; the first to look (mine, after 50 ms) is aborted.
        const received = await callFailingWith(() => mine.query('UPDATE entry SET v = v + 1 WHERE id = 2'));
        expectUnavailableAndWarned(received, '40P01');
        await rollback(mine);
        await waiting;
      } finally {
        await rollback(mine);
        await rollback(theirs);
      }
    });

    it('a server that cannot take connections now (57P03) is Unavailable', async () => {
      const raise = "DO $$ BEGIN RAISE EXCEPTION 'the database system is starting up' USING ERRCODE = '57P03'; END $$";
      expectUnavailableAndWarned(await callFailingWith(() => ledger.query(raise)), '57P03');
    });

    it('its connection ended by the server (57P01, admin shutdown) is Unavailable', async () => {
      const sleep = 'SELECT pg_sleep(5)';
      const call = callFailingWith(() => ledger.query(sleep));
      await eventually(async () => {
        const ended = (await other.query(
          'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE query = $1',
          [sleep],
        )) as Array<{ ended: boolean }>;
        expect(ended).toEqual([{ ended: true }]);
      });
      expectUnavailableAndWarned(await call, '57P01');
    });

    it('a connection refused, or closed before the server answered, is Unavailable', async () => {
      const port = await freePort();
      const refused = new DataSource({ type: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/postgres` });
      expectUnavailableAndWarned(await callFailingWith(() => refused.initialize()), 'ECONNREFUSED');
      const hangUp: Server = createServer((socket) => socket.destroy());
      await new Promise<void>((listening) => hangUp.listen(0, '127.0.0.1', listening));
      try {
        const { port: closing } = hangUp.address() as { port: number };
        const closed = new DataSource({ type: 'postgres', url: `postgres://postgres@127.0.0.1:${closing}/postgres` });
        warn.mockClear();
        expectUnavailableAndWarned(await callFailingWith(() => closed.initialize()), 'Connection terminated');
      } finally {
        await new Promise((closed) => hangUp.close(closed));
      }
    });

    it('a unique violation (23505) and a syntax error stay Internal, logged as unexpected', async () => {
      expectInternalAndLoggedAsUnexpected(
        await callFailingWith(() => ledger.query('INSERT INTO entry (id, v) VALUES (1, 0)')),
      );
      error.mockClear();
      expectInternalAndLoggedAsUnexpected(await callFailingWith(() => ledger.query('SELEC 1')));
    });
  });
});
