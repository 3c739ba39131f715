import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PaymentsContract } from '@contracts/payments';
import { FAKE_CARDS, PaymentsModule } from '@modules/payments';
import { OutboxStore } from '@seam/messaging';
import { eventually, ModuleHarness, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { LOCAL_MODULES } from '../modules.js';

/** What `npm run data:move` runs: the script built by the Nest CLI, as plain `node`. */
const BUILT_DATA_MOVE = 'dist/apps/monolith/data-move.js';
/** The environment the monolith would read, cleared so that a developer's settings do not leak in. */
const CLEAN_ENV = { DATABASE_URL: '', DATA_DIR: '' };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function dataMove(argv: string[], env: Record<string, string> = {}): Run {
  const run = spawnSync(process.execPath, [BUILT_DATA_MOVE, ...argv], {
    env: { ...process.env, ...CLEAN_ENV, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Seeds a payments SQLite file in `dataDir` through the module itself: three payments, one captured. */
async function seedPayments(dataDir: string): Promise<void> {
  const harness = await ModuleHarness.start({
    module: PaymentsModule,
    name: 'payments',
    database: { kind: 'sqlite', dataDir },
  });
  try {
    for (const cardNumber of [FAKE_CARDS.approved, FAKE_CARDS.declined, FAKE_CARDS.approved]) {
      const payment = await harness.client.send(PaymentsContract.authorizePayment, {
        idempotencyKey: `key-${randomUUID()}`,
        orderId: randomUUID(),
        amount: { amount: 1_299, currency: 'EUR' },
        cardNumber,
      });
      if (payment.status === 'authorized')
        await harness.client.send(PaymentsContract.capturePayment, {
          idempotencyKey: `key-${randomUUID()}`,
          paymentId: payment.paymentId,
        });
    }
    // Its relay drains the outbox while it runs (nobody subscribes): the moved counts are then fixed.
    const outbox = harness.app.get(OutboxStore, { strict: false });
    await eventually(async () => expect(await outbox.pendingCount()).toBe(0), { timeoutMs: 10_000 });
  } finally {
    await harness.close();
  }
}

const lines = (text: string) => text.split('\n').filter(Boolean);
const SUMMARY =
  /^payments: moved 7 tables \(fake_provider_hold: 2 rows, fake_provider_ledger: 4 rows, idempotency_key: 5 rows, payment: 3 rows, seam_inbox: 0 rows, seam_outbox: 0 rows, seam_outbox_dead: 0 rows\) from SQLite file .*payments\.sqlite to (.+); counts verified$/;

describe('npm run data:move, the built script as a process', () => {
  let [source, target, empty] = ['', '', ''];

  beforeAll(async () => {
    [source, target, empty] = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'seam-data-move-process-')));
    // `npm test` builds before running jest; a lone `npm run test:jest` builds here.
    if (!existsSync(BUILT_DATA_MOVE)) execFileSync('npx', ['nest', 'build', 'monolith'], { stdio: 'ignore' });
    await seedPayments(source);
  }, 120_000);
  afterAll(() => [source, target, empty].forEach((dir) => dir && rmSync(dir, { recursive: true, force: true })));

  it('moves from DATA_DIR (the default source) to a directory, prints the counts and the summary, exits 0', () => {
    const run = dataMove(['payments', '--to', target], { DATA_DIR: source });
    expect([run.status, run.stderr]).toEqual([0, '']);
    const output = lines(run.stdout);
    expect(output).toEqual([
      'payments: target migrated: CreatePayments1764100000000, CreateFakeProvider1764800000000, CreatePaymentsMessaging1764800000001, StoreCardToken1764900000000, IndexPaymentsInbox1796600000000, FencePaymentRetries1797000000000, IndexIdempotencyKeyAge1797200000000',
      'table                 source rows  target rows',
      'fake_provider_hold              2            2',
      'fake_provider_ledger            4            4',
      'idempotency_key                 5            5',
      'payment                         3            3',
      'seam_inbox                      0            0',
      'seam_outbox                     0            0',
      'seam_outbox_dead                0            0',
      expect.stringMatching(SUMMARY),
    ]);
    expect(readdirSync(target)).toContain('payments.sqlite');
  });

  it('refuses to move a second time (exit 1, one line on stderr), and moves again with --force', () => {
    const again = dataMove(['payments', '--from', source, '--to', target]);
    expect(again.status).toBe(1);
    expect(lines(again.stderr)).toEqual([
      expect.stringMatching(
        /^data:move: payments: refusing to move into SQLite file .*: it already received a move .*; --force deletes the target's rows and moves again$/,
      ),
    ]);

    const forced = dataMove(['payments', '--from', source, '--to', target, '--force']);
    expect(forced.status).toBe(0);
    expect(lines(forced.stdout)).toContain(
      'payments: deleted first: fake_provider_hold: 2 rows, fake_provider_ledger: 4 rows, idempotency_key: 5 rows, payment: 3 rows',
    );
    expect(lines(forced.stdout).at(-1)).toMatch(SUMMARY);
  });

  const hostile: Array<[string, number, string[], RegExp, Record<string, string>?]> = [
    [
      'no module',
      2,
      [],
      new RegExp(String.raw`^data:move: which module\? \(one of ${LOCAL_MODULES.map(({ name }) => name).join(', ')}\)`),
    ],
    ['an unknown module', 2, ['no-such-module', '--to', 'EMPTY/x'], /^data:move: unknown module "no-such-module"/],
    ['no --to', 2, ['payments'], /^data:move: --to is required/],
    [
      'an unknown flag',
      2,
      ['payments', '--to', 'EMPTY/x', '--frobnicate'],
      /^data:move: unknown option --frobnicate \(--help for usage\)$/,
    ],
    [
      'another URL scheme',
      2,
      ['payments', '--to', 'mysql://mover:hunter2@db/shop'],
      /^data:move: --to: unsupported URL scheme mysql:\/\//,
    ],
    [
      'a malformed URL',
      2,
      ['payments', '--to', 'postgres://mover:hunter2@[oops/shop'],
      /^data:move: --to is not a valid URL/,
    ],
    [
      'the source as target',
      2,
      ['payments', '--to', 'SOURCE'],
      /^data:move: payments: source and target are the same \(SQLite file /,
    ],
    [
      'a bad DATABASE_URL',
      2,
      ['payments', '--to', 'EMPTY/x'],
      /^data:move: DATABASE_URL is not a URL/,
      { DATABASE_URL: 'not a url' },
    ],
    [
      "a bad URL of the module's own role",
      2,
      ['payments', '--to', 'EMPTY/x'],
      /^data:move: DATABASE_URL_PAYMENTS must be a postgres:\/\/ URL, got mysql:\/\/… \(--help for usage\)$/,
      { DATABASE_URL_PAYMENTS: 'mysql://mover:hunter2@db/shop' },
    ],
    [
      'a missing source',
      1,
      ['payments', '--from', 'EMPTY', '--to', 'EMPTY/out'],
      /^data:move: no SQLite file .*payments\.sqlite: nothing to move$/,
    ],
    [
      'an unreachable database',
      1,
      ['payments', '--to', 'postgres://mover:hunter2@127.0.0.1:1/shop'],
      /^data:move: cannot open PostgreSQL 127\.0\.0\.1:1\/shop schema payments: /,
    ],
  ];
  it.each(hostile)(
    'refuses %s: exit %i, one line on stderr, no password shown, nothing written',
    (_case, status, argv, message, env = {}) => {
      const args = argv.map((arg) => arg.replace('SOURCE', source).replace('EMPTY', empty));
      const before = readdirSync(empty);
      const run = dataMove(args, { DATA_DIR: source, ...env });
      expect(run.status).toBe(status);
      expect(lines(run.stderr)).toEqual([expect.stringMatching(message)]);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toContain('hunter2');
      expect(readdirSync(empty)).toEqual(before);
    },
  );
});

const reason = await postgresUnavailableReason();
const postgresSuite = reason ? describe.skip : describe;

postgresSuite(`npm run data:move to PostgreSQL, as a process${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let source = '';
  let database: TemporaryPostgres;

  beforeAll(async () => {
    source = mkdtempSync(join(tmpdir(), 'seam-data-move-process-pg-'));
    if (!existsSync(BUILT_DATA_MOVE)) execFileSync('npx', ['nest', 'build', 'monolith'], { stdio: 'ignore' });
    database = await TemporaryPostgres.create();
    await seedPayments(source);
  }, 120_000);
  afterAll(async () => {
    if (source) rmSync(source, { recursive: true, force: true });
    await database?.drop();
  });

  it('moves a SQLite file into the module schema, never printing the password', () => {
    const url = new URL(database.url);
    // The test server trusts local connections, so a made-up password still gets in.
    url.password ||= 'n0t-for-print';
    const run = dataMove(['payments', '--to', url.toString()], { DATA_DIR: source });
    expect([run.status, run.stderr]).toEqual([0, '']);
    const summary = SUMMARY.exec(lines(run.stdout).at(-1) ?? '');
    expect(summary?.[1]).toBe(`PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname} schema payments`);
    expect(run.stdout).not.toContain(decodeURIComponent(url.password));
  });
});
