import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import { InventoryContract } from '@contracts/inventory';
import { Sql } from '@seam/messaging';
import { type DatabaseConfig, inTransaction } from '@seam/persistence';
import { eventually, ModuleHarness, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { RESERVATION_STATUS_UPDATED_AT_INDEX } from './infrastructure/migrations/1797200000000-index-reservation-age.js';
import { ReservationLineRecord } from './infrastructure/reservation-line.record.js';
import { ReleasedReservationRetention, ReservationPruning } from './infrastructure/reservation-pruning.js';
import { ReservationRecord } from './infrastructure/reservation.record.js';
import { DEFAULT_RELEASED_RETENTION_MS, INVENTORY_CONFIG } from './inventory.config.js';
import { InventoryModule } from './inventory.module.js';

const postgresReason = await postgresUnavailableReason();

/** A database that outlives one start of the module, so that a second start finds what the first left. */
const SETUPS: Array<{
  name: string;
  skip?: string;
  open(): Promise<{ config: DatabaseConfig; drop(): Promise<void> }>;
}> = [
  {
    name: 'SQLite',
    open: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'seam-inventory-retention-'));
      return {
        config: { kind: 'sqlite', dataDir },
        drop: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresReason,
    open: async () => {
      const database = await TemporaryPostgres.create();
      return { config: { kind: 'postgres', url: database.url }, drop: () => database.drop() };
    },
  },
];

const DAY_MS = 86_400_000;
const RETENTION_DAYS = DEFAULT_RELEASED_RETENTION_MS / DAY_MS;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

for (const setup of SETUPS) {
  (setup.skip ? describe.skip : describe)(
    `inventory released-reservation retention — ${setup.name}${setup.skip ? ` — skipped: ${setup.skip}` : ''}`,
    () => {
      let database: { config: DatabaseConfig; drop(): Promise<void> };
      let harness: ModuleHarness;
      let dataSource: DataSource;

      const start = async () => {
        harness = await ModuleHarness.start({ module: InventoryModule, name: 'inventory', database: database.config });
        dataSource = harness.app.get<DataSource>(getDataSourceToken('inventory'));
      };
      /** A prune begun now: one under way (the start-up prune) computed its cutoff before the rows aged. */
      const prune = async () => {
        const retention = harness.app.get(ReleasedReservationRetention);
        await retention.prune();
        await retention.prune();
      };
      const reserve = (orderId: string, quantity = 1) =>
        harness.client.send(InventoryContract.reserveStock, { orderId, lines: [{ sku: 'MUG', quantity }] });
      const release = (orderId: string) => harness.client.send(InventoryContract.releaseStock, { orderId });
      const commit = (orderId: string) => harness.client.send(InventoryContract.commitStock, { orderId });
      const stock = () => harness.client.send(InventoryContract.getStock, { sku: 'MUG' });
      /** Makes an order's reservation look last changed `days` ago, as time passing would. */
      const age = (orderId: string, days: number) =>
        dataSource.getRepository(ReservationRecord).update({ orderId }, { updatedAt: daysAgo(days) });
      const kept = async (orderId: string) => ({
        reservation: (await dataSource.getRepository(ReservationRecord).findOneBy({ orderId }))?.status,
        lines: await dataSource.getRepository(ReservationLineRecord).countBy({ orderId }),
      });

      beforeAll(async () => {
        database = await setup.open();
        await start();
        await harness.client.send(InventoryContract.setStock, { sku: 'MUG', available: 1_000 });
      });
      afterAll(async () => {
        await harness?.close();
        await database?.drop();
      });

      it('forgets, when a replica starts, released reservations older than the retention — never a committed or reserved one', async () => {
        const [released, tombstone, committed, reserved, young] = Array.from({ length: 5 }, () => randomUUID());
        await reserve(released);
        await release(released);
        await release(tombstone);
        await reserve(committed);
        await commit(committed);
        await reserve(reserved);
        await reserve(young);
        await release(young);
        for (const orderId of [released, tombstone, committed, reserved]) await age(orderId, RETENTION_DAYS + 1);
        await age(young, RETENTION_DAYS - 1);

        await harness.close();
        await start();

        await eventually(async () => expect(await kept(released)).toEqual({ reservation: undefined, lines: 0 }), {
          timeoutMs: 30_000,
        });
        expect(await kept(tombstone)).toEqual({ reservation: undefined, lines: 0 });
        expect(await kept(committed)).toEqual({ reservation: 'committed', lines: 1 });
        expect(await kept(reserved)).toEqual({ reservation: 'reserved', lines: 1 });
        expect(await kept(young)).toEqual({ reservation: 'released', lines: 1 });
      });

      it('inside the retention, refuses a late reserve of a released order and answers a repeated release alike', async () => {
        const [tombstone, released] = [randomUUID(), randomUUID()];
        await release(tombstone);
        await reserve(released, 2);
        const first = await release(released);
        await age(tombstone, RETENTION_DAYS - 1);
        await age(released, RETENTION_DAYS - 1);
        await prune();
        const before = await stock();

        await expect(reserve(tombstone)).rejects.toMatchObject({
          code: 'CONFLICT',
          message: `The stock of order ${tombstone} was already released; it cannot be reserved any more`,
        });
        await expect(release(released)).resolves.toEqual(first);
        await expect(commit(released)).rejects.toMatchObject({ code: 'CONFLICT' });
        expect(await stock()).toEqual(before);
      });

      it('past the retention, a repeated release moves no stock (never a second release)', async () => {
        const orderId = randomUUID();
        await reserve(orderId, 3);
        await commit(orderId);
        await release(orderId);
        await age(orderId, RETENTION_DAYS + 1);
        await prune();
        expect(await kept(orderId)).toEqual({ reservation: undefined, lines: 0 });
        const before = await stock();

        await expect(release(orderId)).resolves.toEqual({ orderId, status: 'released', lines: [] });
        expect(await stock()).toEqual(before);
      });

      it('puts a committed reservation’s stock back on a cancel however old it is', async () => {
        const orderId = randomUUID();
        await reserve(orderId, 4);
        await commit(orderId);
        await age(orderId, RETENTION_DAYS * 10);
        await prune();
        const before = await stock();

        await expect(release(orderId)).resolves.toMatchObject({
          status: 'released',
          lines: [{ sku: 'MUG', quantity: 4 }],
        });
        expect(await stock()).toEqual({ ...before, available: before.available + 4 });
      });

      describe('ReservationPruning', () => {
        const cutoff = () => new Date(Date.now() - DEFAULT_RELEASED_RETENTION_MS);
        /** `count` released reservations of one line each, released long ago, written directly. */
        const insertReleased = async (count: number) => {
          const at = daysAgo(RETENTION_DAYS + 5);
          const ids = Array.from({ length: count }, () => randomUUID());
          for (let from = 0; from < count; from += 500) {
            const slice = ids.slice(from, from + 500);
            await dataSource
              .getRepository(ReservationRecord)
              .insert(slice.map((orderId) => ({ orderId, status: 'released' as const, createdAt: at, updatedAt: at })));
            await dataSource
              .getRepository(ReservationLineRecord)
              .insert(slice.map((orderId) => ({ orderId, sku: 'MUG', quantity: 1 })));
          }
          return ids;
        };

        it('deletes each reservation and its lines once when two replicas prune at once, in slices', async () => {
          const ids = await insertReleased(2_500);
          const counts = await Promise.all([
            new ReservationPruning(new Sql(dataSource)).forget(cutoff()),
            new ReservationPruning(new Sql(dataSource)).forget(cutoff()),
          ]);
          expect(counts[0]! + counts[1]!).toBe(2_500);
          expect(await kept(ids[0]!)).toEqual({ reservation: undefined, lines: 0 });
          expect(await kept(ids[2_499]!)).toEqual({ reservation: undefined, lines: 0 });
        });

        it('finds the old released reservations through the (status, updated_at) index', async () => {
          await insertReleased(10);
          const sql = new Sql(dataSource);
          const statements = jest.spyOn(sql, 'rows');
          await new ReservationPruning(sql).forget(cutoff());
          const text = String(statements.mock.calls[0]![0]);
          const plan = await inTransaction(dataSource, async (manager) => {
            // A table this small is read whole whatever the indexes: only the index's use is in question.
            if (sql.postgres) await sql.rows('SET LOCAL enable_seqscan = off', [], manager);
            const rows = await sql.rows(
              `EXPLAIN ${sql.postgres ? '' : 'QUERY PLAN '}${text}`,
              [cutoff().toISOString()],
              manager,
            );
            return JSON.stringify(rows);
          });
          expect(plan).toMatch(
            sql.postgres
              ? new RegExp(`Index (Only )?Scan (on|using) ${RESERVATION_STATUS_UPDATED_AT_INDEX}`)
              : new RegExp(
                  `SEARCH reservation USING (COVERING )?INDEX ${RESERVATION_STATUS_UPDATED_AT_INDEX} \\(status=\\? AND updated_at<\\?\\)`,
                ),
          );
        });
      });
    },
  );
}

describe('InventoryModule with a hostile released-reservation retention', () => {
  it('refuses to start, naming the setting', async () => {
    await expect(
      ModuleHarness.start({
        module: InventoryModule,
        name: 'inventory',
        overrides: [{ provide: INVENTORY_CONFIG, useValue: { releasedRetentionMs: -1 } }],
      }),
    ).rejects.toThrow(/^Inventory releasedRetentionMs must be a whole number of ms from 172800000/);
  });
});
