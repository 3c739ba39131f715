import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_POOL_WAIT_MS, dataSourceOptions, defineModuleData, openDataSource } from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { ErrorCode, handlerFailure } from '@seam/transport';
import type { DataSource } from 'typeorm';

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

suite(`a module's connection pool on PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let database: TemporaryPostgres;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await TemporaryPostgres.create();
    const data = defineModuleData({ module: 'pool-wait', entities: [], migrations: [] });
    dataSource = await openDataSource(dataSourceOptions(data, { kind: 'postgres', url: database.url, poolSize: 1 }));
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  describe('a query while every connection is busy', () => {
    it('fails after the pool wait, and reaches its caller as UNAVAILABLE, instead of queueing for as long as the pool stays full', async () => {
      // The pool's only connection, busy for three pool waits.
      const busy = dataSource.query(`SELECT pg_sleep(${(3 * DEFAULT_POOL_WAIT_MS) / 1000})`);
      const startedAt = performance.now();
      const waiting = await dataSource.query('SELECT 1').then(
        () => 'answered',
        (error: unknown) => error,
      );
      const waitedMs = performance.now() - startedAt;
      await busy;

      expect(handlerFailure(waiting, undefined).code).toBe(ErrorCode.Unavailable);
      expect(waitedMs).toBeGreaterThanOrEqual(DEFAULT_POOL_WAIT_MS - 50);
      expect(waitedMs).toBeLessThan(2 * DEFAULT_POOL_WAIT_MS);
    }, 60_000);
  });
});
