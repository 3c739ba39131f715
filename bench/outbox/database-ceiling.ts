import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DEFAULT_INBOX_OPTIONS } from '@seam/messaging';
import { TemporaryPostgres } from '@seam/testing';
import { startNode } from '../../test/messaging/fixtures/ledger.fixture.js';

const run = promisify(execFile);

/**
 * The events per second PostgreSQL itself allows for the statements the benchmark sends per event,
 * sent by pgbench (C, prepared statements: a client that costs almost nothing) instead of the app.
 * An upper bound on the statements: the relay's claim and completion (one each per batch) are left
 * out, and the subscriber's groups are always full and run side by side, as many as pgbench has
 * clients. pgbench shares the cores like the app does.
 */
export interface DatabaseCeiling {
  /** The producer's transactions alone (a row and its event), as "writing alone" measures. */
  writing: number;
  /** The subscriber's grouped inbox transactions alone, as draining a backlog needs. */
  subscriber: number;
  /** Both at once, one subscriber group per {@link SUBSCRIBER_GROUP} writes: the end-to-end ceiling. */
  endToEnd: number;
}

/** How the ceiling is measured: as the benchmark's own run. */
export interface CeilingOptions {
  /** pgbench clients: the benchmark's transactions in flight. */
  writers: number;
  aggregates: number;
  /** Seconds each of the three mixes runs. */
  seconds: number;
}

/**
 * pgbench reads `:name` anywhere in a script as one of its variables, even inside a string literal
 * or a `::` cast, so the scripts hold no other colon. The time the app writes as an ISO string
 * (`2026-12-05T15:04:05.123Z`) is a literal of the same length and type with dots for its colons.
 */
const TIME_TEXT = `'2026-12-05T15.04.05.123Z'`;

/** pgbench's variable for a fresh id: its own random 63-bit integer (pgbench has no string variables). */
const idVariable = (name: string) => `\\set ${name} random(1, 9223372036854775806)`;

/** Events per subscriber transaction: the inbox's largest group (DEFAULT_INBOX_OPTIONS.maxGroupSize). */
export const SUBSCRIBER_GROUP = DEFAULT_INBOX_OPTIONS.maxGroupSize;

/** Why the ceiling cannot be measured here (no pgbench), or undefined. */
export async function ceilingUnavailableReason(): Promise<string | undefined> {
  try {
    await run('pgbench', ['--version']);
    return undefined;
  } catch (error) {
    return `pgbench did not run (${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * Measures {@link DatabaseCeiling} on a fresh temporary database of the test server
 * (SEAM_TEST_POSTGRES_URL), its tables created by the messaging fixture's own migrations: the
 * schema, indexes included, that the benchmark writes to.
 */
export async function measureCeiling(options: CeilingOptions): Promise<DatabaseCeiling> {
  const database = await TemporaryPostgres.create();
  const dir = mkdtempSync(join(tmpdir(), 'seam-bench-ceiling-'));
  try {
    await createFixtureSchema(database.url);
    const producer = join(dir, 'producer.sql');
    const subscriber = join(dir, 'subscriber.sql');
    writeFileSync(producer, producerScript(options.aggregates));
    writeFileSync(subscriber, subscriberScript(options.aggregates, options.writers));
    const rates = async (scripts: string[]) => {
      const tps = await pgbench(database.url, scripts, { clients: options.writers, seconds: options.seconds });
      await truncate(database.url);
      return tps;
    };
    const writing = (await rates([producer]))[0]!;
    const subscriberAlone = (await rates([subscriber]))[0]! * SUBSCRIBER_GROUP;
    // Each event is written once and applied once: a group's worth of writes per subscriber transaction.
    const [endToEnd] = await rates([`${producer}@${SUBSCRIBER_GROUP}`, `${subscriber}@1`]);
    return { writing, subscriber: subscriberAlone, endToEnd: endToEnd! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}

/** One event written as `LedgerService.post` writes it: the row and its outbox event, one transaction. */
export function producerScript(aggregates: number): string {
  return [
    `\\set account random(0, ${aggregates - 1})`,
    idVariable('entry'),
    // Two round trips, as the app sends them: the transaction's start goes with its first
    // statement, and the outbox add, its last, carries the commit (@seam/persistence).
    '\\startpipeline',
    'BEGIN;',
    `INSERT INTO ledger.ledger_entry (id, account, amount) VALUES (:entry, 'account-' || :account, 1);`,
    '\\endpipeline',
    '\\startpipeline',
    'INSERT INTO ledger.seam_outbox (event_id, aggregate_id, pattern, payload, traceparent, created_at, attempts, delivered_to, next_attempt_at)',
    // The event's id is its payload's, the entry's (Outbox.add).
    `  SELECT :entry, 'account-' || :account, 'ledger.entry.posted',`,
    // The payload, built by the server (JSON is all colons): a few µs the app's statement does not cost.
    `    CAST(json_build_object('id', CAST(:entry AS text), 'account', 'account-' || :account, 'amount', 1, 'n', 1) AS text),`,
    `    NULL, ${TIME_TEXT}, 0, '', 0`,
    // The aggregate's turn, as Outbox.add takes it on PostgreSQL.
    `  FROM (SELECT pg_advisory_xact_lock(hashtext('"ledger"."seam_outbox"'), hashtext('account-' || :account))) AS aggregate_turn;`,
    'COMMIT;',
    '\\endpipeline',
    '',
  ].join('\n');
}

/**
 * One inbox group as `Inbox.once` applies it: the group's lock timeout, its inbox rows in one
 * statement, then the fixture's two statements per event. The accounts of a group are distinct,
 * and no two clients share any: the groups of a relay's batch hold one event per aggregate each,
 * so they never wait on one another's rows.
 */
export function subscriberScript(aggregates: number, clients: number): string {
  // The fixture's consumer name, 'tally:totals', spelled without the colon pgbench would read as a variable.
  const events = Array.from({ length: SUBSCRIBER_GROUP }, (_, index) => `event${index}`);
  const inboxRows = events.map((event) => `('tally' || chr(58) || 'totals', :${event}, ${TIME_TEXT})`);
  const lines = [
    // The account sets a client may use: those whose number modulo `clients` is its own.
    `\\set base :client_id + ${clients} * random(0, ${Math.max(1, Math.floor(aggregates / SUBSCRIBER_GROUP / clients)) - 1})`,
    ...events.map(idVariable),
    // The start goes with the group's lock timeout, as the app sends them.
    '\\startpipeline',
    'BEGIN;',
    'SET LOCAL lock_timeout = 100;',
    '\\endpipeline',
    `INSERT INTO tally.seam_inbox (consumer, event_id, received_at) VALUES ${inboxRows.join(', ')}`,
    '  ON CONFLICT DO NOTHING RETURNING consumer, event_id;',
  ];
  for (let index = 0; index < SUBSCRIBER_GROUP; index++) {
    const account = `'account-' || (:base * ${SUBSCRIBER_GROUP} + ${index})`;
    lines.push(
      `INSERT INTO tally.tally_total (account, total, applied) VALUES (${account}, 1, 1)`,
      '  ON CONFLICT (account) DO UPDATE SET total = tally_total.total + excluded.total, applied = tally_total.applied + 1;',
      `INSERT INTO tally.tally_seen (account, n) VALUES (${account}, ${index + 1});`,
    );
  }
  return [...lines, 'COMMIT;', ''].join('\n');
}

/** How long pgbench runs: for a time, or a number of transactions per client. */
export type PgbenchRun = { clients: number } & ({ seconds: number } | { transactions: number });

/** Runs pgbench with `scripts` (`file@weight`) on `url` and answers each script's transactions per second. */
export async function pgbench(url: string, scripts: string[], options: PgbenchRun): Promise<number[]> {
  const length = 'seconds' in options ? ['-T', String(options.seconds)] : ['-t', String(options.transactions)];
  const args = ['-n', '-M', 'prepared', '-c', String(options.clients), '-j', String(Math.min(2, options.clients))];
  // A failed statement aborts its client and pgbench exits non-zero: execFile rejects with the output.
  const { stdout } = await run('pgbench', [...args, ...length, ...scripts.flatMap((script) => ['-f', script]), url], {
    maxBuffer: 4 * 1024 * 1024,
    // pgbench prints its rates in the locale's format: a decimal comma would not parse.
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (scripts.length === 1) {
    const total = /^tps = ([\d.]+)/m.exec(stdout);
    if (!total) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return [Number(total[1])];
  }
  // With several scripts pgbench prints, per script, " - N transactions (P% of total, tps = X)".
  const perScript = [...stdout.matchAll(/^ - \d+ transactions \([\d.]+% of total, tps = ([\d.]+)\)/gm)];
  if (perScript.length !== scripts.length) throw new Error(`pgbench printed no tps per script:\n${stdout}`);
  return perScript.map((match) => Number(match[1]));
}

/** Creates the messaging fixture's schema (ledger's and tally's migrations) in the database at `url`. */
export async function createFixtureSchema(url: string): Promise<void> {
  const app = await startNode({ hosted: ['ledger', 'tally'], database: { kind: 'postgres', url } });
  await app.close();
}

/** Empties the tables between mixes, so that each starts from the same sizes. */
async function truncate(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      'TRUNCATE ledger.ledger_entry, ledger.seam_outbox, tally.seam_inbox, tally.tally_total, tally.tally_seen',
    );
  } finally {
    await client.end();
  }
}
