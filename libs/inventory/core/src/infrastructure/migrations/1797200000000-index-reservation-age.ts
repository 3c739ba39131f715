import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/** The name of the index the prune of released reservations reads. */
export const RESERVATION_STATUS_UPDATED_AT_INDEX = 'reservation_status_updated_at';

/**
 * Indexes reservations by status and last change: the hourly prune of released reservations past
 * their retention then reads only what it deletes, not every reservation ever made. An index of
 * that name already there is kept: an operator with a large PostgreSQL table builds it beforehand,
 * without holding the reservations' writes, with `CREATE INDEX CONCURRENTLY
 * reservation_status_updated_at ON inventory.reservation (status, updated_at)`, which a migration's
 * transaction cannot run.
 */
export class IndexReservationAge1797200000000 implements MigrationInterface {
  name = 'IndexReservationAge1797200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = await queryRunner.getTable('reservation');
    if (table?.indices.some((index) => index.name === RESERVATION_STATUS_UPDATED_AT_INDEX)) return;
    await queryRunner.createIndex(
      'reservation',
      new TableIndex({ name: RESERVATION_STATUS_UPDATED_AT_INDEX, columnNames: ['status', 'updated_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('reservation', RESERVATION_STATUS_UPDATED_AT_INDEX);
  }
}
