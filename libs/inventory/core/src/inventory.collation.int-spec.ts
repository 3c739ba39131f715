import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Outbox, Sql } from '@seam/messaging';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { postgresUnavailableReason, TEST_POSTGRES_URL } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { InventoryRepository } from './infrastructure/inventory.repository.js';
import type { InventoryTransaction } from './infrastructure/inventory.transaction.js';
import { inventoryData } from './inventory.data.js';
import { ReservationTransitions } from './reservation-transitions.service.js';
import { ReserveStockController } from './reserve-stock/reserve-stock.controller.js';

// Skus whose order differs between code units and a linguistic collation (`MUG-B` before `MUGA`
// in one, after it in the other, and likewise `A-C` and `AB`).
const SKUS = ['MUGA', 'MUG-B', 'A-C', 'AB'];

/** Runs `statement` on the server's maintenance database. */
async function admin(statement: string): Promise<void> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A temporary database whose default collation orders text like glibc's en_US.UTF-8 (as managed
 * PostgreSQL and Debian images do): ICU `en-US` with punctuation ignored at the first level
 * (`ka-shifted`). Plain ICU `en-US` keeps `-` before letters, as the C collation does, and would
 * prove nothing here. The reason instead, when this server cannot create one.
 */
async function linguisticDatabase(): Promise<{ name: string; url: string } | { reason: string }> {
  const unavailable = await postgresUnavailableReason();
  if (unavailable) return { reason: unavailable };
  const name = `seam_test_icu_${randomBytes(6).toString('hex')}`;
  try {
    await admin(
      `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US-u-ka-shifted' LOCALE 'C.UTF-8'`,
    );
  } catch (error) {
    return { reason: `this PostgreSQL cannot create an ICU database (${(error as Error).message})` };
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** `inventory`, recording the skus of every `moveAllAndCommit` — the order its stock rows are locked in. */
function recordingLockOrder(inventory: InventoryRepository): { repository: InventoryRepository; locked: string[][] } {
  const locked: string[][] = [];
  const transaction = <T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T> =>
    inventory.transaction((tx) => {
      const moveAllAndCommit: InventoryTransaction['moveAllAndCommit'] = (lines, effect, at) => {
        locked.push(lines.map((line) => line.sku));
        return tx.moveAllAndCommit(lines, effect, at);
      };
      return work(Object.assign(Object.create(tx) as InventoryTransaction, { moveAllAndCommit }));
    });
  return { repository: { transaction } as InventoryRepository, locked };
}

const database = await linguisticDatabase();

(('reason' in database ? describe.skip : describe) as typeof describe)(
  `inventory on PostgreSQL with a linguistic collation${'reason' in database ? ` — skipped: ${database.reason}` : ''}`,
  () => {
    let dataSource: DataSource;
    let inventory: InventoryRepository;

    beforeAll(async () => {
      if ('reason' in database) return;
      dataSource = await openDataSource(dataSourceOptions(inventoryData, { kind: 'postgres', url: database.url }));
      inventory = new InventoryRepository(dataSource, new Outbox('inventory', new Sql(dataSource), () => undefined));
      const at = new Date().toISOString();
      for (const sku of SKUS) await inventory.transaction((tx) => tx.setAvailable(sku, 10, at));
    });
    afterAll(async () => {
      await dataSource?.destroy();
      if (!('reason' in database)) await admin(`DROP DATABASE IF EXISTS ${database.name} WITH (FORCE)`);
    });

    it('orders these skus unlike code units (else this suite proves nothing)', async () => {
      const [{ skus }] = await dataSource.query<Array<{ skus: string[] }>>(
        'SELECT array_agg(sku ORDER BY sku) AS skus FROM unnest($1::text[]) AS sku',
        [SKUS],
      );
      expect(skus).not.toEqual(SKUS.toSorted());
    });

    describe.each(['commit', 'release'] as const)('%s', (command) => {
      it('locks stock rows in the order reserve locked them: two orders cannot deadlock', async () => {
        const { repository, locked } = recordingLockOrder(inventory);
        const orderId = randomUUID();
        await new ReserveStockController(repository).reserve({
          orderId,
          lines: SKUS.map((sku) => ({ sku, quantity: 1 })),
        });
        await new ReservationTransitions(repository).apply(orderId, command);
        expect(locked).toEqual([SKUS.toSorted(), SKUS.toSorted()]);
      });
    });
  },
);
