import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../database-config.js';
import { dataSourceOptions } from '../data-source-options.js';
import { openDataSource } from '../open-data-source.js';
import { DataMoveError } from './data-move.error.js';
import type { DataLocation } from './data-location.js';
import { moveModuleData } from './move-module-data.js';
import { EntryRecord, ledgerData, seedLedger } from './testing/ledger-module.js';
import { moduleRows } from './testing/module-rows.js';

/** A database for the `ledger` module: where it is, and how to throw it away. */
interface Place {
  location: DataLocation;
  config: DatabaseConfig;
  dispose(): Promise<void>;
}

const places: Place[] = [];
afterEach(async () => {
  for (const place of places.splice(0)) await place.dispose();
});

function sqlitePlace(): Place {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-move-'));
  const place = {
    location: { kind: 'sqlite', file: join(dataDir, 'ledger.sqlite') },
    config: { kind: 'sqlite', dataDir },
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  } as const;
  places.push(place);
  return place;
}

async function postgresPlace(): Promise<Place> {
  const database = await TemporaryPostgres.create();
  const place = {
    location: { kind: 'postgres', url: database.url, schema: 'ledger' },
    config: { kind: 'postgres', url: database.url },
    dispose: () => database.drop(),
  } as const;
  places.push(place);
  return place;
}

/** Opens the ledger at a place (migrating it, as the monolith would), runs `work`, closes it. */
async function withLedger<T>(place: Place, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = await openDataSource(dataSourceOptions(ledgerData, place.config));
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

const seeded = (place: Place) => withLedger(place, (dataSource) => seedLedger(dataSource.createQueryRunner()));
const rowsAt = (place: Place) => withLedger(place, moduleRows);
const failure = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => error as DataMoveError,
  );
const move = (from: Place, to: Place, options: { force?: boolean; batchSize?: number } = {}) =>
  moveModuleData({ data: ledgerData, from: from.location, to: to.location, batchSize: 3, ...options });

/** The same scenarios for one pair of databases. */
function pairScenarios(source: () => Promise<Place> | Place, target: () => Promise<Place> | Place): void {
  it('copies every table, with or without an entity, row for row, exactly, in batches, and records the move', async () => {
    const [from, to] = [await source(), await target()];
    await seeded(from);
    const report = await move(from, to);
    expect(report.tables).toEqual([
      { table: 'account', sourceRows: 7, targetRows: 7 },
      { table: 'entry', sourceRows: 14, targetRows: 14 },
      { table: 'entry_tag', sourceRows: 14, targetRows: 14 },
      { table: 'ledger_note', sourceRows: 3, targetRows: 3 },
    ]);
    expect(report.migrationsRun).toEqual(['CreateLedger1700000000000']);
    const [before, after] = [await rowsAt(from), await rowsAt(to)];
    expect(after).toEqual(before);
    expect(after.account.map(([, balance]) => balance)).toContain('9007199254740993');
    await withLedger(to, async (dataSource) => {
      // The generated key carries on after the copied ones (a PostgreSQL sequence was moved on).
      const entry = await dataSource.getRepository(EntryRecord).save({ accountId: 'acc-01', amount: '5' });
      expect(entry.seq).toBe(15);
      const [marker] = await dataSource.query('SELECT module, source, forced, row_counts FROM seam_data_moves');
      expect(marker).toMatchObject({ module: 'ledger', source: report.from });
      expect(JSON.parse(marker.row_counts)).toEqual({ account: 7, entry: 14, entry_tag: 14, ledger_note: 3 });
    });
  });

  it('refuses a second move, even into an emptied target, and moves again with force', async () => {
    const [from, to] = [await source(), await target()];
    await seeded(from);
    const first = await move(from, to);
    const again = await failure(move(from, to));
    expect(again).toBeInstanceOf(DataMoveError);
    expect(again?.kind).toBe('refused');
    expect(again?.message).toContain(`it already received a move (from ${first.from} at ${first.movedAt})`);
    expect(again?.message).toContain(
      'not empty (account: 7 rows, entry: 14 rows, entry_tag: 14 rows, ledger_note: 3 rows)',
    );

    const forced = await move(from, to, { force: true });
    expect(forced.previousMoves).toEqual([{ source: first.from, movedAt: first.movedAt }]);
    expect(forced.deleted).toEqual([
      { table: 'account', rows: 7 },
      { table: 'entry', rows: 14 },
      { table: 'entry_tag', rows: 14 },
      { table: 'ledger_note', rows: 3 },
    ]);
    expect(await rowsAt(to)).toEqual(await rowsAt(from));

    await withLedger(to, async (dataSource) => {
      for (const table of ['ledger_note', 'entry_tag', 'entry', 'account'])
        await dataSource.query(`DELETE FROM ${table}`);
    });
    const emptied = await failure(move(from, to));
    expect(emptied?.kind).toBe('refused');
    expect(emptied?.message).toMatch(
      /it already received a move .*; --force deletes the target's rows and moves again$/,
    );
  });

  it('refuses a target that already holds rows and leaves it as it was', async () => {
    const [from, to] = [await source(), await target()];
    await seeded(from);
    await withLedger(to, (dataSource) =>
      dataSource.query("INSERT INTO account (id, balance, active) VALUES ('mine', 1, true)"),
    );
    const before = await rowsAt(to);
    const refused = await failure(move(from, to));
    expect(refused?.kind).toBe('refused');
    expect(refused?.message).toContain('it is not empty (account: 1 row)');
    expect(await rowsAt(to)).toEqual(before);
    await withLedger(to, async (dataSource) => expect(await dataSource.getRepository(EntryRecord).count()).toBe(0));

    const forced = await move(from, to, { force: true });
    expect(forced.deleted).toEqual([{ table: 'account', rows: 1 }]);
    expect(await rowsAt(to)).toEqual(await rowsAt(from));
  });
}

describe('moveModuleData', () => {
  describe('SQLite → SQLite', () => {
    pairScenarios(sqlitePlace, sqlitePlace);
  });

  describe('refusals and failures (SQLite)', () => {
    it('refuses one file as source and target, also when reached through a link', async () => {
      const from = sqlitePlace();
      await seeded(from);
      const same = await failure(move(from, from));
      expect([same?.kind, same?.message]).toEqual([
        'usage',
        `ledger: source and target are the same (SQLite file ${from.location.kind === 'sqlite' ? from.location.file : ''})`,
      ]);
      const linkDir = mkdtempSync(join(tmpdir(), 'seam-move-link-'));
      const link = join(linkDir, 'data');
      symlinkSync(from.config.kind === 'sqlite' ? from.config.dataDir : '', link);
      const linked = await failure(
        moveModuleData({
          data: ledgerData,
          from: from.location,
          to: { kind: 'sqlite', file: join(link, 'ledger.sqlite') },
        }),
      );
      expect(linked?.kind).toBe('usage');
      rmSync(linkDir, { recursive: true, force: true });
    });

    it('fails on a missing source and creates nothing', async () => {
      const [from, to] = [sqlitePlace(), sqlitePlace()];
      const missing = await failure(move(from, to));
      expect(missing?.kind).toBe('failed');
      expect(missing?.message).toMatch(/^no SQLite file .*ledger\.sqlite: nothing to move$/);
      expect(readdirSync(to.config.kind === 'sqlite' ? to.config.dataDir : '')).toEqual([]);
    });

    it("fails on a source behind the module's migrations, and writes nothing", async () => {
      const [from, to] = [sqlitePlace(), sqlitePlace()];
      await withLedger(from, (dataSource) => dataSource.query('DELETE FROM migrations'));
      const behind = await failure(move(from, to));
      expect(behind?.message).toContain(
        'has pending migrations (CreateLedger1700000000000): run npm run migrate against it first',
      );
      expect(existsSync(to.location.kind === 'sqlite' ? to.location.file : '')).toBe(false);
    });

    it('fails when the source has a table the migrations do not make, and removes the target file it created', async () => {
      const from = sqlitePlace();
      const to: Place = {
        ...sqlitePlace(),
        location: { kind: 'sqlite', file: join(tmpdir(), `seam-move-new-${process.pid}`, 'deep', 'ledger.sqlite') },
      };
      await withLedger(from, (dataSource) => dataSource.query('CREATE TABLE stray (id integer)'));
      const stray = await failure(move(from, to));
      expect([stray?.kind, stray?.message]).toEqual([
        'failed',
        expect.stringContaining("does not have the source's tables after migrating (stray is missing)"),
      ]);
      expect(existsSync(join(tmpdir(), `seam-move-new-${process.pid}`))).toBe(false);
    });

    it('fails on an unreachable PostgreSQL target with its password masked', async () => {
      const from = sqlitePlace();
      await seeded(from);
      const unreachable = await failure(
        moveModuleData({
          data: ledgerData,
          from: from.location,
          to: { kind: 'postgres', url: 'postgres://mover:hunter2@127.0.0.1:1/nowhere', schema: 'ledger' },
        }),
      );
      expect(unreachable?.kind).toBe('failed');
      expect(unreachable?.message).toMatch(/^cannot open PostgreSQL 127\.0\.0\.1:1\/nowhere schema ledger: /);
      expect(unreachable?.message).not.toContain('hunter2');
      expect(await rowsAt(from)).toMatchObject({ account: expect.any(Array) });
    });
  });
});

const reason = await postgresUnavailableReason();
const postgresSuite = reason ? describe.skip : describe;

postgresSuite(`moveModuleData with PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
  describe('SQLite → PostgreSQL', () => {
    pairScenarios(sqlitePlace, postgresPlace);
  });
  describe('PostgreSQL → SQLite', () => {
    pairScenarios(postgresPlace, sqlitePlace);
  });
  describe('PostgreSQL → PostgreSQL', () => {
    pairScenarios(postgresPlace, postgresPlace);
  });

  it('refuses one database reached under two host names', async () => {
    const from = await postgresPlace();
    await seeded(from);
    const url = new URL(from.location.kind === 'postgres' ? from.location.url : '');
    url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    const same = await failure(
      moveModuleData({
        data: ledgerData,
        from: from.location,
        to: { kind: 'postgres', url: url.toString(), schema: 'ledger' },
      }),
    );
    expect(same?.kind).toBe('usage');
    expect(same?.message).toContain('source and target are the same database');
  });

  it('fails on a PostgreSQL source without the module schema, and creates nothing in the target', async () => {
    const [from, to] = [await postgresPlace(), sqlitePlace()];
    const missing = await failure(move(from, to));
    expect([missing?.kind, missing?.message]).toEqual([
      'failed',
      expect.stringMatching(/^no PostgreSQL .* schema ledger: nothing to move$/),
    ]);
    expect(readdirSync(to.config.kind === 'sqlite' ? to.config.dataDir : '')).toEqual([]);
  });

  it('a failure in the middle of the copy rolls the whole target back, schema included', async () => {
    const [from, to] = [sqlitePlace(), await postgresPlace()];
    await seeded(from);
    // A row PostgreSQL refuses (a NUL byte in text), after other rows of other tables went in.
    await withLedger(from, (dataSource) =>
      dataSource.query("INSERT INTO ledger_note (body) VALUES ('nul' || char(0) || 'byte')"),
    );
    const broken = await failure(move(from, to));
    expect([broken?.kind, broken?.message]).toEqual(['failed', expect.stringMatching(/^ledger: the move failed: /)]);
    expect(broken?.message).toMatch(/invalid byte sequence|0x00/);
    const client = new Client({ connectionString: to.location.kind === 'postgres' ? to.location.url : '' });
    await client.connect();
    const { rows } = await client
      .query("SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'ledger'")
      .finally(() => client.end());
    expect(rows).toEqual([]);
  });

  it('lets one of two simultaneous moves into one schema through and refuses the other', async () => {
    const [first, second, to] = [sqlitePlace(), sqlitePlace(), await postgresPlace()];
    await seeded(first);
    await seeded(second);
    const outcomes = await Promise.allSettled([move(first, to), move(second, to)]);
    expect(outcomes.map((outcome) => outcome.status).toSorted()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ kind: 'refused' });
  });
});
