import type { EventEmitter } from 'node:events';
import { type DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import type { DatabaseConfig } from './database-config.js';
import { defineModuleData } from './module-data.js';
import { openDataSource } from './open-data-source.js';

// What the tests of statement batches share (statement-batch.int-spec.ts, last-statement.int-spec.ts).

export class CreateTally1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE tally (id varchar(20) PRIMARY KEY, n integer NOT NULL)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE tally');
  }
}

export const open = (config: DatabaseConfig) =>
  openDataSource(
    dataSourceOptions(
      defineModuleData({ module: 'starts', entities: [], migrations: [CreateTally1700000000000] }),
      config,
    ),
  );

/** `work`'s answer and how many round trips it took on `runner`'s connection (ReadyForQuery messages). */
export async function countingRoundTrips<T>(runner: QueryRunner, work: () => Promise<T>): Promise<[T, number]> {
  const client = (await runner.connect()) as { connection: EventEmitter };
  let roundTrips = 0;
  const count = () => roundTrips++;
  client.connection.on('readyForQuery', count);
  try {
    const answer = await work();
    return [answer, roundTrips];
  } finally {
    client.connection.off('readyForQuery', count);
  }
}

export const insert = 'INSERT INTO tally (id, n) VALUES ($1, $2) RETURNING id, n';
export const read = 'SELECT id, n FROM tally WHERE id = $1';
export const ids = async (dataSource: DataSource, prefix: string) =>
  (
    (await dataSource.query('SELECT id FROM tally WHERE id LIKE $1 ORDER BY id', [`${prefix}%`])) as Array<{
      id: string;
    }>
  ).map((row) => row.id);
