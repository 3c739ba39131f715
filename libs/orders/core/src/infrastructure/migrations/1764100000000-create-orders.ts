import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** The orders module's first tables. Written with TypeORM's schema builder: the same on SQLite and PostgreSQL. */
export class CreateOrders1764100000000 implements MigrationInterface {
  name = 'CreateOrders1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'orders',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'order_id', type: 'varchar', length: '36' },
          { name: 'customer_id', type: 'varchar', length: '36' },
          { name: 'idempotency_key', type: 'varchar', length: '100', isNullable: true },
          { name: 'status', type: 'varchar', length: '10' },
          { name: 'total_amount', type: 'bigint' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'stock_status', type: 'varchar', length: '10', isNullable: true },
          { name: 'payment_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'payment_status', type: 'varchar', length: '10', isNullable: true },
          { name: 'compensation_pending', type: 'boolean' },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
        uniques: [{ name: 'orders_order_id', columnNames: ['order_id'] }],
      }),
    );
    // Placing twice with one key is impossible, even concurrently; NULL keys never collide.
    await queryRunner.createIndex(
      'orders',
      new TableIndex({ name: 'orders_customer_key', columnNames: ['customer_id', 'idempotency_key'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'orders',
      new TableIndex({ name: 'orders_customer_seq', columnNames: ['customer_id', 'seq'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_line',
        columns: [
          { name: 'order_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'line_no', type: 'integer', isPrimary: true },
          { name: 'sku', type: 'varchar', length: '40' },
          { name: 'name', type: 'varchar', length: '120' },
          { name: 'quantity', type: 'integer' },
          { name: 'unit_amount', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'order_line',
      new TableForeignKey({
        name: 'order_line_order',
        columnNames: ['order_id'],
        referencedTableName: 'orders',
        referencedColumnNames: ['order_id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('order_line');
    await queryRunner.dropTable('orders');
  }
}
