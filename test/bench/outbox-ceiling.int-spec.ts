import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { Client } from 'pg';
import {
  ceilingUnavailableReason,
  createFixtureSchema,
  pgbench,
  producerScript,
  SUBSCRIBER_GROUP,
  subscriberScript,
} from '../../bench/outbox/database-ceiling.js';

// bench:outbox's ceiling is only as true as its scripts: they must write what the app writes per event.
const reason = (await postgresUnavailableReason()) ?? (await ceilingUnavailableReason());
const suite = reason ? describe.skip : describe;

suite(`bench:outbox's pgbench scripts${reason ? ` — skipped: ${reason}` : ''}`, () => {
  const clients = 2;
  const transactions = 3;
  let database: TemporaryPostgres;
  let dir: string;
  const script = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const count = async (sql: string) => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'seam-ceiling-spec-'));
    database = await TemporaryPostgres.create();
    await createFixtureSchema(database.url);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  it("writes, per producer transaction, the fixture's row and one outbox event for the same account", async () => {
    const [tps] = await pgbench(database.url, [script('producer.sql', producerScript(64))], { clients, transactions });
    expect(tps).toBeGreaterThan(0);
    expect(await count('SELECT COUNT(*) AS n FROM ledger.ledger_entry')).toBe(clients * transactions);
    expect(await count('SELECT COUNT(*) AS n FROM ledger.seam_outbox')).toBe(clients * transactions);
    // Each event is its row's entry, as Outbox.add is given it: the entry's id is the event's and its
    // payload's, its account the aggregate.
    const mismatched = `SELECT COUNT(*) AS n FROM ledger.seam_outbox o
      WHERE o.pattern <> 'ledger.entry.posted' OR (o.payload::json->>'account') <> o.aggregate_id
         OR (o.payload::json->>'id') <> o.event_id
         OR NOT EXISTS (SELECT 1 FROM ledger.ledger_entry e WHERE e.id = o.event_id AND e.account = o.aggregate_id)`;
    expect(await count(mismatched)).toBe(0);
  });

  it("waits, as Outbox.add does on PostgreSQL, for the aggregate's turn", async () => {
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    try {
      // The lock Outbox.add takes for an event of aggregate account-0 in ledger's outbox.
      const turn = `hashtext('"ledger"."seam_outbox"'), hashtext('account-0')`;
      await holder.query(`SELECT pg_advisory_lock(${turn})`);
      const before = await count('SELECT COUNT(*) AS n FROM ledger.seam_outbox');
      const writing = pgbench(database.url, [script('one-account.sql', producerScript(1))], {
        clients: 1,
        transactions: 1,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await count('SELECT COUNT(*) AS n FROM ledger.seam_outbox')).toBe(before);
      await holder.query(`SELECT pg_advisory_unlock(${turn})`);
      await writing;
      expect(await count('SELECT COUNT(*) AS n FROM ledger.seam_outbox')).toBe(before + 1);
    } finally {
      await holder.end();
    }
  });

  it('applies, per subscriber transaction, a full group: its inbox rows and two statements per event', async () => {
    const file = script('subscriber.sql', subscriberScript(64, clients));
    await pgbench(database.url, [file], { clients, transactions });
    const events = clients * transactions * SUBSCRIBER_GROUP;
    expect(await count(`SELECT COUNT(*) AS n FROM tally.seam_inbox WHERE consumer = 'tally:totals'`)).toBe(events);
    expect(await count('SELECT COUNT(*) AS n FROM tally.tally_seen')).toBe(events);
    expect(await count('SELECT SUM(applied) AS n FROM tally.tally_total')).toBe(events);
    // A group's accounts are a whole set of 16 consecutive ones among the 64 (client 0 uses sets 0
    // and 2, client 1 sets 1 and 3): whole sets only, all within the aggregates.
    const accounts = await count('SELECT COUNT(*) AS n FROM tally.tally_total');
    expect(accounts % SUBSCRIBER_GROUP).toBe(0);
    expect(await count(`SELECT MAX(substr(account, 9)::int) AS n FROM tally.tally_total`)).toBeLessThan(64);
  });

  it('answers the rate of each script of a mix', async () => {
    const rates = await pgbench(
      database.url,
      [
        `${script('p.sql', producerScript(64))}@${SUBSCRIBER_GROUP}`,
        `${script('s.sql', subscriberScript(64, clients))}@1`,
      ],
      { clients, seconds: 1 },
    );
    expect(rates).toHaveLength(2);
    // The weights: about a group's worth of writes per subscriber transaction (loose: a 1 s sample).
    expect(rates[0]!).toBeGreaterThan(rates[1]!);
  });

  it("fails with pgbench's own words when a statement fails", async () => {
    const broken = script('broken.sql', 'INSERT INTO ledger.no_such_table VALUES (1);\n');
    await expect(pgbench(database.url, [broken], { clients: 1, transactions: 1 })).rejects.toThrow(/no_such_table/);
  });
});
