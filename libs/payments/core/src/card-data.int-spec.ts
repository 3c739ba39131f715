import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type AuthorizePayment, PaymentsContract } from '@contracts/payments';
import { type DatabaseConfig, dataSourceOptions, openDataSource } from '@seam/persistence';
import { ModuleHarness, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { ConflictError, UnavailableError, ValidationError } from '@seam/transport';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { FAKE_CARDS, PAYMENTS_CONFIG, PaymentsModule, paymentsData } from './index.js';
import { storedTexts, tablesOf } from './testing/stored-texts.js';

/** Every length the contract allows, every path of the fake provider, and a twin of the first. */
const CARDS = {
  approved: '5555555555554444',
  shortest: '123456789012',
  amex: '371449635398431',
  longest: '4000123412341234123',
  declined: FAKE_CARDS.declined,
  insufficientFunds: FAKE_CARDS.insufficientFunds,
  slow: FAKE_CARDS.slow,
  hung: FAKE_CARDS.hung,
  /** Another card ending in the same four digits as `approved`. */
  twin: '4000000000004444',
} as const;

/** What must appear nowhere: each number, its digits but the last four, and its unkeyed sha256. */
const FORBIDDEN = Object.values(CARDS).flatMap((card) => [
  card,
  card.slice(0, -4),
  createHash('sha256').update(card).digest('hex'),
]);
/** The fields of the contract's `Payment`: nothing else may leave the module. */
const VIEW_FIELDS = ['amount', 'cardLast4', 'orderId', 'paymentId', 'reason', 'status', 'updatedAt'];

const forbiddenIn = (text: string) => FORBIDDEN.filter((value) => text.includes(value));
const errorText = (error: unknown) => JSON.stringify({ message: (error as Error).message, ...(error as object) });

/** Fifteen calls, one of them waiting out the provider timeout: room for a loaded 2-core machine. */
const SETUP_MS = 90_000;

const pgReason = await postgresUnavailableReason();
const pgSuite = pgReason ? describe.skip : describe;

/** The payments module on `database`, after every path that writes, and what its contract answered. */
interface Exercised {
  harness: ModuleHarness;
  dataSource: DataSource;
  /** Every answer and error the contract gave, as text. */
  answered: string[];
  /** The fields of every answer. */
  fields: Set<string>;
}

async function exercise(database: DatabaseConfig): Promise<Exercised> {
  const harness = await ModuleHarness.start({
    module: PaymentsModule,
    name: 'payments',
    database,
    overrides: [{ provide: PAYMENTS_CONFIG, useValue: { providerTimeoutMs: 1_000, slowMs: 50 } }],
  });
  try {
    return await exerciseOn(harness);
  } catch (error) {
    // A failed setup must not leave the module running: the suite would never end.
    await harness.close();
    throw error;
  }
}

async function exerciseOn(harness: ModuleHarness): Promise<Exercised> {
  const run: Exercised = {
    harness,
    dataSource: harness.app.get<DataSource>(getDataSourceToken('payments')),
    answered: [],
    fields: new Set(),
  };
  const authorize = (request: AuthorizePayment) => harness.client.send(PaymentsContract.authorizePayment, request);
  const request = (cardNumber: string): AuthorizePayment => ({
    idempotencyKey: `key-${randomUUID()}`,
    orderId: randomUUID(),
    amount: { amount: 1_999, currency: 'EUR' },
    cardNumber,
  });
  const keep = <T extends object>(answer: T): T => {
    run.answered.push(JSON.stringify(answer));
    for (const field of Object.keys(answer)) run.fields.add(field);
    return answer;
  };
  const refusal = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    run.answered.push(errorText(error));
    return error;
  };

  // Every path that writes: approve, capture, refund, decline, slow, hung (released), replay, reuse.
  const first = request(CARDS.approved);
  const approved = keep(await authorize(first));
  const { paymentId } = approved;
  keep(await harness.client.send(PaymentsContract.capturePayment, { idempotencyKey: `c-${randomUUID()}`, paymentId }));
  keep(await harness.client.send(PaymentsContract.refundPayment, { idempotencyKey: `r-${randomUUID()}`, paymentId }));
  for (const card of [CARDS.shortest, CARDS.amex, CARDS.longest, CARDS.declined, CARDS.insufficientFunds, CARDS.slow])
    keep(await authorize(request(card)));
  expect(keep(await authorize({ ...first }))).toEqual(approved);
  expect(await refusal(authorize({ ...first, cardNumber: CARDS.twin }))).toBeInstanceOf(ConflictError);
  expect(await refusal(authorize(request(CARDS.hung)))).toBeInstanceOf(UnavailableError);
  expect(await refusal(authorize(request(`${CARDS.approved}0000`)))).toBeInstanceOf(ValidationError);
  keep(await harness.client.send(PaymentsContract.getPayment, { paymentId }));
  const { payments } = await harness.client.send(PaymentsContract.findOrderPayments, { orderId: first.orderId });
  for (const payment of payments) keep(payment);
  return run;
}

/** The checks every database gets. */
function itStoresAndAnswersNoCardNumber(exercised: () => Exercised): void {
  it('stores no card number in any column of any table: last four digits, tokens and keyed fingerprints', async () => {
    const { dataSource } = exercised();
    const stored = await storedTexts(dataSource);
    // The scan read every table (the messaging ones may be empty again: events delivered) and the
    // rows it must: the payments, their tokens and the keys' fingerprints.
    expect(await tablesOf(dataSource)).toEqual(
      expect.arrayContaining(['seam_outbox', 'seam_outbox_dead', 'seam_inbox', 'migrations']),
    );
    expect([...new Set(stored.map((each) => each.table))]).toEqual(
      expect.arrayContaining(['payment', 'idempotency_key', 'fake_provider_hold', 'fake_provider_ledger']),
    );
    const texts = stored.map((each) => each.text);
    expect(texts).toContain('4444');
    expect(texts.filter((text) => /^tok_[0-9a-f]{32}$/.test(text)).length).toBeGreaterThanOrEqual(7);
    expect(texts.filter((text) => /^[0-9a-f]{12}:[0-9a-f]{64}$/.test(text)).length).toBeGreaterThanOrEqual(7);
    expect(stored.filter((each) => forbiddenIn(each.text).length > 0)).toEqual([]);
  });

  it('answers no card number and no field beyond the contract, errors included', () => {
    const { answered, fields } = exercised();
    expect(answered.length).toBeGreaterThanOrEqual(15);
    expect(answered.flatMap(forbiddenIn)).toEqual([]);
    for (const field of fields) expect(VIEW_FIELDS).toContain(field);
  });
}

describe('card data', () => {
  describe('storedTexts (the scan below)', () => {
    it('finds a card number planted in any column of any table', async () => {
      const dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
      try {
        await dataSource.query(`INSERT INTO seam_inbox (consumer, event_id, received_at) VALUES (?, ?, ?)`, [
          'c',
          'e',
          CARDS.approved,
        ]);
        const hits = (await storedTexts(dataSource)).filter((stored) => forbiddenIn(stored.text).length > 0);
        expect(hits).toEqual([{ table: 'seam_inbox', column: 'received_at', text: CARDS.approved }]);
      } finally {
        await dataSource.destroy();
      }
    });
  });

  describe('payments on SQLite files', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seam-card-data-'));
    let run: Exercised | undefined;
    beforeAll(async () => {
      run = await exercise({ kind: 'sqlite', dataDir });
    }, SETUP_MS);
    afterAll(async () => {
      await run?.harness.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    itStoresAndAnswersNoCardNumber(() => run!);

    it('leaves no card number anywhere in the files, free pages and journal included', () => {
      const files = readdirSync(dataDir).filter((name) => name.startsWith('payments.sqlite'));
      expect(files).toContain('payments.sqlite');
      for (const file of files) {
        const bytes = readFileSync(join(dataDir, file)).toString('latin1');
        expect({ file, found: FORBIDDEN.filter((value) => bytes.includes(value)) }).toEqual({ file, found: [] });
      }
    });
  });

  pgSuite(`payments on PostgreSQL${pgReason ? ` — skipped: ${pgReason}` : ''}`, () => {
    let database: TemporaryPostgres | undefined;
    let run: Exercised | undefined;
    beforeAll(async () => {
      database = await TemporaryPostgres.create();
      run = await exercise({ kind: 'postgres', url: database.url });
    }, SETUP_MS);
    afterAll(async () => {
      await run?.harness.close();
      await database?.drop();
    });

    itStoresAndAnswersNoCardNumber(() => run!);
  });
});
