import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type AuthorizePayment, PaymentsContract } from '@contracts/payments';
import { Sql } from '@seam/messaging';
import { type DatabaseConfig, inTransaction } from '@seam/persistence';
import { eventually, ModuleHarness, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { DAY_MS, DEFAULT_IDEMPOTENCY_RETENTION_MS } from './idempotency-retention.js';
import { FAKE_CARDS, type FakePaymentProvider, PAYMENT_PROVIDER, PAYMENTS_CONFIG, PaymentsModule } from './index.js';
import { authorizationKey } from './authorize-payment/authorize-payment.controller.js';
import { FakeProviderLedgerRecord } from './infrastructure/fake-provider-ledger.record.js';
import { IdempotencyPruning, IdempotencyRetention } from './infrastructure/idempotency-pruning.js';
import { AUTHORIZATION_KEY_WINDOW_MS } from './provider/fake-payment-provider.js';
import { IdempotencyRecord } from './infrastructure/idempotency.record.js';
import { IDEMPOTENCY_KEY_UPDATED_AT_INDEX } from './infrastructure/migrations/1797200000000-index-idempotency-key-age.js';
import { PaymentRecord } from './infrastructure/payment.record.js';

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
      const dataDir = mkdtempSync(join(tmpdir(), 'seam-payments-retention-'));
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

const authorization = (): AuthorizePayment => ({
  idempotencyKey: `key-${randomUUID()}`,
  orderId: randomUUID(),
  amount: { amount: 1_500, currency: 'EUR' },
  cardNumber: FAKE_CARDS.approved,
});
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const RETENTION_DAYS = DEFAULT_IDEMPOTENCY_RETENTION_MS / DAY_MS;

for (const setup of SETUPS) {
  (setup.skip ? describe.skip : describe)(
    `payments idempotency retention — ${setup.name}${setup.skip ? ` — skipped: ${setup.skip}` : ''}`,
    () => {
      let database: { config: DatabaseConfig; drop(): Promise<void> };
      let harness: ModuleHarness;
      let dataSource: DataSource;
      let provider: FakePaymentProvider;

      const start = async () => {
        harness = await ModuleHarness.start({ module: PaymentsModule, name: 'payments', database: database.config });
        dataSource = harness.app.get<DataSource>(getDataSourceToken('payments'));
        provider = harness.app.get<FakePaymentProvider>(PAYMENT_PROVIDER);
      };
      /** A prune begun now: one under way (the start-up prune) computed its cutoff before the rows aged. */
      const prune = async () => {
        const retention = harness.app.get(IdempotencyRetention);
        await retention.prune();
        await retention.prune();
      };
      const keys = () => dataSource.getRepository(IdempotencyRecord);
      const keyExists = async (key: string) => (await keys().findOneBy({ key })) !== null;
      /**
       * Makes a key look last written `days` ago, as time passing would — at the provider too, which
       * forgets an authorization's key after a day (AUTHORIZATION_KEY_WINDOW_MS).
       */
      const age = async (key: string, days: number) => {
        await keys().update({ key }, { updatedAt: daysAgo(days) });
        if (days * DAY_MS > AUTHORIZATION_KEY_WINDOW_MS)
          await dataSource
            .getRepository(FakeProviderLedgerRecord)
            .update({ idempotencyKey: authorizationKey(key) }, { idempotencyKey: null });
      };
      const ledgerMark = async () => (await provider.ledger()).length;
      const ledgerSince = async (mark: number) => (await provider.ledger()).slice(mark).map((entry) => entry.type);

      beforeAll(async () => {
        database = await setup.open();
        await start();
      });
      afterAll(async () => {
        await harness?.close();
        await database?.drop();
      });

      it('forgets, when a replica starts, the keys last written before the retention, and keeps the younger ones', async () => {
        const [old, young] = [authorization(), authorization()];
        await harness.client.send(PaymentsContract.authorizePayment, old);
        await harness.client.send(PaymentsContract.authorizePayment, young);
        await age(old.idempotencyKey, RETENTION_DAYS + 1);
        await age(young.idempotencyKey, RETENTION_DAYS - 1);

        await harness.close();
        await start();

        await eventually(async () => expect(await keyExists(old.idempotencyKey)).toBe(false), { timeoutMs: 30_000 });
        expect(await keyExists(young.idempotencyKey)).toBe(true);
      });

      it('answers a repeat inside the retention with the first answer and no new charge; a key past it is new', async () => {
        const [old, young] = [authorization(), authorization()];
        const first = {
          old: await harness.client.send(PaymentsContract.authorizePayment, old),
          young: await harness.client.send(PaymentsContract.authorizePayment, young),
        };
        await age(old.idempotencyKey, RETENTION_DAYS + 1);
        await age(young.idempotencyKey, RETENTION_DAYS - 1);
        await prune();

        const mark = await ledgerMark();
        await expect(harness.client.send(PaymentsContract.authorizePayment, young)).resolves.toEqual(first.young);
        expect(await ledgerSince(mark)).toEqual([]);
        const again = await harness.client.send(PaymentsContract.authorizePayment, old);
        expect(again.paymentId).not.toBe(first.old.paymentId);
        expect(await ledgerSince(mark)).toEqual(['authorization']);
      });

      it('refuses a capture repeated after its key was forgotten, without charging again', async () => {
        const { paymentId } = await harness.client.send(PaymentsContract.authorizePayment, authorization());
        const request = { idempotencyKey: `key-${randomUUID()}`, paymentId };
        const captured = await harness.client.send(PaymentsContract.capturePayment, request);
        await age(request.idempotencyKey, RETENTION_DAYS - 1);
        await prune();
        await expect(harness.client.send(PaymentsContract.capturePayment, request)).resolves.toEqual(captured);

        await age(request.idempotencyKey, RETENTION_DAYS + 1);
        await prune();
        const mark = await ledgerMark();
        await expect(harness.client.send(PaymentsContract.capturePayment, request)).rejects.toMatchObject({
          code: 'CONFLICT',
          message: `Payment ${paymentId} is captured: it cannot be captured`,
        });
        expect(await ledgerSince(mark)).toEqual([]);
      });

      it('lets a retry with the same key through a payment locked by that key, once its claim was pruned', async () => {
        const { paymentId } = await harness.client.send(PaymentsContract.authorizePayment, authorization());
        // A replica died mid-capture more than the retention ago; nobody retried since.
        const key = `key-${randomUUID()}`;
        const at = daysAgo(RETENTION_DAYS + 1);
        await keys().insert({
          key,
          operation: 'capture',
          requestHash: 'left by a dead process',
          paymentId,
          state: 'in_progress',
          response: null,
          createdAt: at,
          updatedAt: at,
        });
        await dataSource.getRepository(PaymentRecord).update({ id: paymentId }, { pendingKey: key });
        await prune();
        expect(await keyExists(key)).toBe(false);

        await expect(
          harness.client.send(PaymentsContract.capturePayment, { idempotencyKey: key, paymentId }),
        ).resolves.toMatchObject({ paymentId, status: 'captured' });
      });

      describe('IdempotencyPruning', () => {
        const cutoff = () => new Date(Date.now() - DEFAULT_IDEMPOTENCY_RETENTION_MS);
        const insertOld = async (count: number) => {
          const at = daysAgo(RETENTION_DAYS + 5);
          const ids = Array.from({ length: count }, () => `bulk-${randomUUID()}`);
          for (let from = 0; from < count; from += 500)
            await keys().insert(
              ids.slice(from, from + 500).map((key) => ({
                key,
                operation: 'authorize',
                requestHash: 'x'.repeat(64),
                paymentId: randomUUID(),
                state: 'completed',
                response: '{}',
                createdAt: at,
                updatedAt: at,
              })),
            );
        };

        it('deletes each key once when two replicas prune at once, in slices', async () => {
          await insertOld(2_500);
          const counts = await Promise.all([
            new IdempotencyPruning(new Sql(dataSource)).forget(cutoff()),
            new IdempotencyPruning(new Sql(dataSource)).forget(cutoff()),
          ]);
          expect(counts[0]! + counts[1]!).toBe(2_500);
          expect(await keys().countBy({ requestHash: 'x'.repeat(64) })).toBe(0);
        });

        it('finds the old keys through the updated_at index (the plan of its DELETE)', async () => {
          await insertOld(10);
          const sql = new Sql(dataSource);
          const statements = jest.spyOn(sql, 'rows');
          await new IdempotencyPruning(sql).forget(cutoff());
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
          const expected = sql.postgres
            ? [
                new RegExp(`Index Scan (on|using) ${IDEMPOTENCY_KEY_UPDATED_AT_INDEX}`),
                /Index Cond: \(\(updated_at\)::text < /,
              ]
            : [new RegExp(`SEARCH idempotency_key USING (COVERING )?INDEX ${IDEMPOTENCY_KEY_UPDATED_AT_INDEX}`)];
          for (const pattern of expected) expect(plan).toMatch(pattern);
        });
      });
    },
  );
}

describe('PaymentsModule with a hostile idempotency retention', () => {
  it('refuses to start, naming the setting', async () => {
    const config = { providerTimeoutMs: 2_000, slowMs: 0, idempotencyRetentionMs: 60_000 };
    await expect(
      ModuleHarness.start({
        module: PaymentsModule,
        name: 'payments',
        overrides: [{ provide: PAYMENTS_CONFIG, useValue: config }],
      }),
    ).rejects.toThrow(/^Payments idempotencyRetentionMs must be a whole number of ms from 172800000/);
  });
});
