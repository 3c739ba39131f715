import { type QueryRunner, Table, TableIndex } from 'typeorm';

/** The tables of a module's messaging, in its own database. */
export const MESSAGING_TABLES = {
  outbox: 'seam_outbox',
  deadLetters: 'seam_outbox_dead',
  inbox: 'seam_inbox',
} as const;

/** The index of the inbox by when each entry was received: what its pruning reads. */
export const INBOX_RECEIVED_AT_INDEX = 'seam_inbox_received_at';

const eventColumns = [
  { name: 'event_id', type: 'varchar', length: '64' },
  { name: 'aggregate_id', type: 'varchar', length: '100' },
  { name: 'pattern', type: 'varchar', length: '200' },
  { name: 'payload', type: 'text' },
  { name: 'traceparent', type: 'varchar', length: '64', isNullable: true },
  { name: 'created_at', type: 'varchar', length: '30' },
  { name: 'attempts', type: 'integer', default: 0 },
  // Modules the event already reached, comma-separated: a retry skips them.
  { name: 'delivered_to', type: 'text', default: "''" },
  { name: 'last_error', type: 'text', isNullable: true },
];

/**
 * Creates the outbox, dead-letter and inbox tables. Call it from one of the module's own
 * migrations (`await createMessagingTables(queryRunner)`): the tables are the module's, like its
 * other data, and move with it. Written with TypeORM's schema builder: the same on SQLite and
 * PostgreSQL.
 */
export async function createMessagingTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.createTable(
    new Table({
      name: MESSAGING_TABLES.outbox,
      columns: [
        // The write order: per-aggregate ordering follows it.
        { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        ...eventColumns,
        // Epoch milliseconds, compared in SQL: no time zone or text-format pitfalls.
        { name: 'next_attempt_at', type: 'bigint', default: 0 },
        { name: 'claimed_by', type: 'varchar', length: '100', isNullable: true },
        { name: 'claimed_until', type: 'bigint', isNullable: true },
      ],
      uniques: [{ name: 'seam_outbox_event_id', columnNames: ['event_id'] }],
    }),
  );
  await queryRunner.createIndex(
    MESSAGING_TABLES.outbox,
    new TableIndex({ name: 'seam_outbox_aggregate', columnNames: ['aggregate_id', 'seq'] }),
  );
  await queryRunner.createTable(
    new Table({
      name: MESSAGING_TABLES.deadLetters,
      columns: [
        { name: 'event_id', type: 'varchar', length: '64', isPrimary: true },
        ...eventColumns.slice(1),
        { name: 'seq', type: 'bigint' },
        { name: 'failed_at', type: 'varchar', length: '30' },
      ],
    }),
  );
  await queryRunner.createTable(
    new Table({
      name: MESSAGING_TABLES.inbox,
      columns: [
        { name: 'consumer', type: 'varchar', length: '100', isPrimary: true },
        { name: 'event_id', type: 'varchar', length: '64', isPrimary: true },
        { name: 'received_at', type: 'varchar', length: '30' },
      ],
    }),
  );
}

/**
 * Indexes the inbox by `received_at`, so that pruning it (`Inbox.forget`, every hour) reads
 * only the entries it deletes. Without the index a prune walks the whole inbox — per million
 * entries, with nothing to delete, 3.4 s of CPU on SQLite and 4 s on PostgreSQL (measured) — and
 * an inbox holds every event its module consumed in the last 14 days. Call it from a migration of the
 * module's, after {@link createMessagingTables} (a new module: in the same migration). Does nothing
 * when the inbox has an index of that name already.
 */
export async function createInboxReceivedAtIndex(queryRunner: QueryRunner): Promise<void> {
  // An index of that name already there is kept: an operator with a large PostgreSQL inbox builds it
  // beforehand with CREATE INDEX CONCURRENTLY, which a migration's transaction cannot run.
  const inbox = await queryRunner.getTable(MESSAGING_TABLES.inbox);
  if (inbox?.indices.some((index) => index.name === INBOX_RECEIVED_AT_INDEX)) return;
  await queryRunner.createIndex(
    MESSAGING_TABLES.inbox,
    new TableIndex({ name: INBOX_RECEIVED_AT_INDEX, columnNames: ['received_at'] }),
  );
}

/** Drops what {@link createInboxReceivedAtIndex} created (for the migration's `down`). */
export async function dropInboxReceivedAtIndex(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.dropIndex(MESSAGING_TABLES.inbox, INBOX_RECEIVED_AT_INDEX);
}

/** Drops what {@link createMessagingTables} created (for the migration's `down`). */
export async function dropMessagingTables(queryRunner: QueryRunner): Promise<void> {
  for (const table of [MESSAGING_TABLES.inbox, MESSAGING_TABLES.deadLetters, MESSAGING_TABLES.outbox])
    await queryRunner.dropTable(table, true);
}
