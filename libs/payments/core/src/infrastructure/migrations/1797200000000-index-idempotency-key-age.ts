import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/** The name of the index the prune of idempotency keys reads. */
export const IDEMPOTENCY_KEY_UPDATED_AT_INDEX = 'idempotency_key_updated_at';

/**
 * Indexes the idempotency keys by their last write: the hourly prune of keys past their retention
 * then reads only what it deletes, not the whole table. An index of that name already there is
 * kept: an operator with a large PostgreSQL table builds it beforehand, without holding the key
 * claims' writes, with `CREATE INDEX CONCURRENTLY idempotency_key_updated_at ON
 * payments.idempotency_key (updated_at)`, which a migration's transaction cannot run.
 */
export class IndexIdempotencyKeyAge1797200000000 implements MigrationInterface {
  name = 'IndexIdempotencyKeyAge1797200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = await queryRunner.getTable('idempotency_key');
    if (table?.indices.some((index) => index.name === IDEMPOTENCY_KEY_UPDATED_AT_INDEX)) return;
    await queryRunner.createIndex(
      'idempotency_key',
      new TableIndex({ name: IDEMPOTENCY_KEY_UPDATED_AT_INDEX, columnNames: ['updated_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('idempotency_key', IDEMPOTENCY_KEY_UPDATED_AT_INDEX);
  }
}
