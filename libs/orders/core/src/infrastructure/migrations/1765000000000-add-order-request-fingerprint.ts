import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * `orders.request_fingerprint`: what an idempotency key remembers of the request that first used
 * it, so that the key reused with a different request is refused. Existing orders get none (the
 * request is gone): a key of theirs keeps answering its order, as before.
 */
export class AddOrderRequestFingerprint1765000000000 implements MigrationInterface {
  name = 'AddOrderRequestFingerprint1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'orders',
      new TableColumn({ name: 'request_fingerprint', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('orders', 'request_fingerprint');
  }
}
