import { type DatabaseConfig, dataSourceOptions, defineModuleData, openDataSource } from '@seam/persistence';
import { postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import { type DataSource, type EntityManager, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { createMessagingTables } from './messaging.tables.js';
import type { Sql } from './sql.js';

// What the tests of the inbox share (inbox.int-spec.ts, inbox-forget.int-spec.ts).

class CreateApplied1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'applied',
        columns: [
          { name: 'event_id', type: 'varchar', length: '40', isPrimary: true },
          { name: 'txid', type: 'varchar', length: '40', isNullable: true },
        ],
      }),
    );
    await createMessagingTables(runner);
  }
  async down(): Promise<void> {}
}

const data = defineModuleData({ module: 'inbox-test', entities: [], migrations: [CreateApplied1700000000000] });
const postgresReason = await postgresUnavailableReason();

/** A database the inbox's tests run on: the messaging tables (without the inbox's index) and an `applied` table. */
export interface InboxTestSetup {
  name: string;
  /** Why it cannot run here (no PostgreSQL), if it cannot. */
  skip?: string;
  open(): Promise<{ dataSource: DataSource; close(): Promise<void> }>;
}

export const INBOX_TEST_SETUPS: InboxTestSetup[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dataSource = await openDataSource(dataSourceOptions(data, { kind: 'memory' }));
      return { dataSource, close: () => dataSource.destroy() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresReason,
    open: async () => {
      const database = await TemporaryPostgres.create();
      const config: DatabaseConfig = { kind: 'postgres', url: database.url };
      const dataSource = await openDataSource(dataSourceOptions(data, config));
      return {
        dataSource,
        close: async () => {
          await dataSource.destroy();
          await database.drop();
        },
      };
    },
  },
];

/** Effects that record their event in `applied`, and reads of what was applied and what the inbox holds. */
export function inboxTestHelpers(sql: () => Sql) {
  const table = () => sql().table('applied');
  return {
    /** An effect that records its event (and, on PostgreSQL, the transaction it ran in). */
    record: (eventId: string) => async (manager: EntityManager) => {
      const txid = sql().postgres ? 'txid_current()::text' : 'NULL';
      await sql().rows(`INSERT INTO ${table()} (event_id, txid) VALUES (:1, ${txid})`, [eventId], manager);
    },
    appliedRows: async (ids: string[]) => {
      const rows = await sql().rows<{ event_id: string; txid: string | null }>(
        `SELECT event_id, txid FROM ${table()}`,
        [],
      );
      return rows.filter((row) => ids.includes(row.event_id));
    },
    inboxRows: async (consumer: string) =>
      (await sql().rows(`SELECT event_id FROM ${sql().table('seam_inbox')} WHERE consumer = :1`, [consumer])).length,
  };
}
