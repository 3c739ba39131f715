import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** The payments module's first tables. Written with TypeORM's schema builder: the same on SQLite and PostgreSQL. */
export class CreatePayments1764100000000 implements MigrationInterface {
  name = 'CreatePayments1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'payment',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'order_id', type: 'varchar', length: '36' },
          { name: 'amount', type: 'bigint' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'status', type: 'varchar', length: '10' },
          { name: 'reason', type: 'varchar', length: '40', isNullable: true },
          { name: 'card_last4', type: 'varchar', length: '4' },
          { name: 'authorization_id', type: 'varchar', length: '100', isNullable: true },
          { name: 'pending_key', type: 'varchar', length: '100', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await queryRunner.createIndex('payment', new TableIndex({ name: 'payment_order_id', columnNames: ['order_id'] }));
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_key',
        columns: [
          { name: 'id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'operation', type: 'varchar', length: '10' },
          { name: 'request_hash', type: 'varchar', length: '64' },
          { name: 'state', type: 'varchar', length: '12' },
          { name: 'payment_id', type: 'varchar', length: '36' },
          { name: 'response', type: 'text', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_key');
    await queryRunner.dropTable('payment');
  }
}
