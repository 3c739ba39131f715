import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { type DatabaseConfig } from '../database-config.js';
import { dataSourceOptions } from '../data-source-options.js';
import { openDataSource } from '../open-data-source.js';
import type { DataLocation } from './data-location.js';
import { DataMoveError } from './data-move.error.js';
import { moveModuleData } from './move-module-data.js';
import { ledgerData, seedLedger } from './testing/ledger-module.js';
import { moduleRows } from './testing/module-rows.js';

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function ledgerAt(config: DatabaseConfig): Promise<DataSource> {
  const dataSource = await openDataSource(dataSourceOptions(ledgerData, config));
  cleanups.unshift(() => dataSource.destroy());
  return dataSource;
}

/** Inserts accounts into `dataSource`, one at a time, until `stop()`; answers how many it wrote. */
function keepWriting(dataSource: DataSource): { stop(): Promise<number> } {
  const state = { writing: true };
  let written = 0;
  const parameter = dataSource.options.type === 'postgres' ? '$1' : '?';
  const loop = (async () => {
    while (state.writing) {
      await dataSource.query(`INSERT INTO account (id, balance, active) VALUES (${parameter}, 1, true)`, [
        `live-${written}`,
      ]);
      written++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  return {
    stop: async () => {
      state.writing = false;
      await loop;
      return written;
    },
  };
}

suite(`moveModuleData while the module keeps writing${reason ? ` — skipped: ${reason}` : ''}`, () => {
  it('refuses to commit a copy that misses rows written to the source during the move, and leaves the target empty', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seam-move-writing-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const database = await TemporaryPostgres.create();
    cleanups.push(() => database.drop());
    const source = await ledgerAt({ kind: 'sqlite', dataDir });
    await seedLedger(source.createQueryRunner());
    // Enough rows that the copy takes a while, long enough for the writer to land rows during it.
    for (let first = 0; first < 5_000; first += 500)
      await source.query(
        `INSERT INTO account (id, balance, active) VALUES ${Array.from({ length: 500 }, (_, index) => `('bulk-${first + index}', 1, 1)`).join(', ')}`,
      );
    const from: DataLocation = { kind: 'sqlite', file: join(dataDir, 'ledger.sqlite') };
    const to: DataLocation = { kind: 'postgres', url: database.url, schema: 'ledger' };

    const writer = keepWriting(source);
    const outcome = await moveModuleData({ data: ledgerData, from, to, batchSize: 100 }).then(
      () => 'committed',
      (error: unknown) => error,
    );
    const written = await writer.stop();

    expect(written).toBeGreaterThan(0);
    expect(outcome).toBeInstanceOf(DataMoveError);
    expect((outcome as DataMoveError).message).toMatch(
      /the source changed during the move \(account: \d+ → \d+ rows\)/,
    );
    const target = await ledgerAt({ kind: 'postgres', url: database.url });
    expect(Object.values(await moduleRows(target)).flat()).toEqual([]);
  }, 60_000);
});
