import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { reportSagaStates } from '@seam/messaging';
import { metricsRegistry } from '@seam/runtime';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { Client, Pool } from 'pg';

const reason = await postgresUnavailableReason();

/** A scrape, or what it came to after `waitMs` (so that a hung scrape fails an assertion, not the test's timeout). */
async function scrapeWithin(waitMs: number): Promise<{ text: string; ms: number }> {
  const startedAt = performance.now();
  const text = await Promise.race([
    metricsRegistry.metrics(),
    new Promise<string>((resolve) => setTimeout(() => resolve(`no scrape after ${waitMs} ms`), waitMs).unref()),
  ]);
  return { text, ms: performance.now() - startedAt };
}

(reason ? describe.skip : describe)(
  `/metrics while one module's database does not answer (PostgreSQL)${reason ? ` — skipped: ${reason}` : ''}`,
  () => {
    let database: TemporaryPostgres;
    let pool: Pool;
    let locker: Client;
    const unreport: (() => void)[] = [];

    beforeAll(async () => {
      database = await TemporaryPostgres.create();
      pool = new Pool({ connectionString: database.url, max: 10 });
      await pool.query("CREATE TABLE open_saga (state text); INSERT INTO open_saga VALUES ('running'), ('running')");
      await pool.query('CREATE TABLE other_saga (LIKE open_saga); INSERT INTO other_saga SELECT * FROM open_saga');
      // Each module's saga states are read from its own table, as a module reads its own database.
      for (const [module, table] of [
        ['answering', 'other_saga'],
        ['locked', 'open_saga'],
      ] as const)
        unreport.push(
          reportSagaStates({
            module,
            saga: 'checkout',
            count: async () => {
              const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
              return { running: Number(rows[0]!.n) };
            },
          }),
        );
      locker = new Client({ connectionString: database.url });
      await locker.connect();
    });
    afterAll(async () => {
      for (const stop of unreport) stop();
      await locker?.end().catch(() => undefined);
      await pool?.end().catch(() => undefined);
      await database?.drop();
    });

    it('leaves out the figures of the module whose table is locked, and answers with the rest in time', async () => {
      // What a migration's ALTER TABLE holds: every read of the table waits for it.
      await locker.query('BEGIN; LOCK TABLE open_saga IN ACCESS EXCLUSIVE MODE');

      const { text, ms } = await scrapeWithin(6_000);

      expect(ms).toBeLessThan(5_000);
      expect(text).toMatch(/^seam_sagas\{module="answering",saga="checkout",state="running"\} 2$/m);
      expect(text).toMatch(/^process_uptime_seconds \d/m);
      expect(text).not.toMatch(/^seam_sagas\{module="locked"/m);
    });

    it('does not start another read per scrape while the first still waits', async () => {
      await scrapeWithin(6_000);
      await scrapeWithin(6_000);
      const { rows } = await locker.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );

      expect(Number(rows[0]!.n)).toBe(1);
    });
  },
);
