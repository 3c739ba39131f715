import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type DatabaseConfig,
  dataSourceOptions,
  defineModuleData,
  type ModuleData,
  openDataSource,
} from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { paymentsData } from '../../payments.data.js';
import { PaymentRepository } from '../payment.repository.js';
import { StoreCardToken1764900000000 } from './1764900000000-store-card-token.js';

/** The payments data as it was before this migration. */
const before: ModuleData = defineModuleData({
  ...paymentsData,
  migrations: paymentsData.migrations.filter((migration) => migration !== StoreCardToken1764900000000),
});
const PAYMENT_ID = '00000000-0000-4000-8000-000000000001';
const ORDER_ID = '00000000-0000-4000-8000-0000000000aa';

/** A payment and its key as the previous version stored them (SQL in each dialect's parameters). */
async function storeOldRows(dataSource: DataSource): Promise<void> {
  const p = (n: number) => (dataSource.options.type === 'postgres' ? `$${n}` : '?');
  const at = '2026-11-25T10:00:00.000Z';
  await dataSource.query(
    `INSERT INTO payment (id, order_id, amount, currency, status, reason, card_last4, authorization_id, pending_key, created_at, updated_at)
     VALUES (${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(p).join(', ')})`,
    [PAYMENT_ID, ORDER_ID, 1_250, 'EUR', 'captured', null, '4242', 'auth_1', null, at, at],
  );
  await dataSource.query(
    `INSERT INTO idempotency_key (id, operation, request_hash, state, payment_id, response, created_at, updated_at)
     VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(p).join(', ')})`,
    ['key-old-1', 'authorize', 'a'.repeat(64), 'completed', PAYMENT_ID, '{"paymentId":"x"}', at, at],
  );
}

async function columnsOf(dataSource: DataSource, table: string): Promise<string[]> {
  return ((await tableOf(dataSource, table))?.columns ?? []).map((column) => column.name);
}

async function tableOf(dataSource: DataSource, table: string) {
  const runner = dataSource.createQueryRunner();
  try {
    return await runner.getTable(table);
  } finally {
    await runner.release();
  }
}

function itMigrates(config: () => DatabaseConfig): void {
  let dataSource: DataSource | undefined;
  afterAll(() => dataSource?.destroy());

  it('adds the card token and the fingerprint, keeping every existing row and its last four digits', async () => {
    const old = await openDataSource(dataSourceOptions(before, config()));
    await storeOldRows(old);
    expect(await columnsOf(old, 'payment')).not.toContain('card_token');
    await old.destroy();

    dataSource = await openDataSource(dataSourceOptions(paymentsData, config()));
    expect(await columnsOf(dataSource, 'payment')).toContain('card_token');
    expect(await columnsOf(dataSource, 'idempotency_key')).toContain('card_fingerprint');
    // SQLite adds a column by copying the table: its index must come along.
    expect((await tableOf(dataSource, 'payment'))?.indices.map((index) => index.name)).toContain('payment_order_id');
    const payment = await new PaymentRepository(dataSource).findById(PAYMENT_ID);
    expect(payment).toEqual({
      id: PAYMENT_ID,
      orderId: ORDER_ID,
      amount: { amount: 1_250, currency: 'EUR' },
      status: 'captured',
      cardLast4: '4242',
      authorizationId: 'auth_1',
      createdAt: '2026-11-25T10:00:00.000Z',
      updatedAt: '2026-11-25T10:00:00.000Z',
    });
    const [key] = (await dataSource.query(`SELECT card_fingerprint, request_hash FROM idempotency_key`)) as Array<
      Record<string, unknown>
    >;
    expect(key).toEqual({ card_fingerprint: null, request_hash: 'a'.repeat(64) });
    expect(await new PaymentRepository(dataSource).findByOrder(ORDER_ID)).toHaveLength(1);
  });

  it('reverts to the previous shape and migrates again, the rows intact', async () => {
    await dataSource!.undoLastMigration();
    expect(await columnsOf(dataSource!, 'payment')).not.toContain('card_token');
    expect(await columnsOf(dataSource!, 'idempotency_key')).not.toContain('card_fingerprint');
    await dataSource!.runMigrations();
    expect(await columnsOf(dataSource!, 'payment')).toContain('card_token');
    expect((await new PaymentRepository(dataSource!).findById(PAYMENT_ID))?.cardLast4).toBe('4242');
  });
}

const pgReason = await postgresUnavailableReason();
const pgSuite = pgReason ? describe.skip : describe;

describe('StoreCardToken1764900000000', () => {
  describe('on SQLite', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seam-payments-migration-'));
    itMigrates(() => ({ kind: 'sqlite', dataDir }));
    // After itMigrates' own afterAll (hooks of one block run in the order they were declared).
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  });

  pgSuite(`on PostgreSQL${pgReason ? ` — skipped: ${pgReason}` : ''}`, () => {
    let database: TemporaryPostgres;
    beforeAll(async () => {
      database = await TemporaryPostgres.create();
    });
    itMigrates(() => ({ kind: 'postgres', url: database.url }));
    afterAll(() => database?.drop());
  });
});
