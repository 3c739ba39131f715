import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@seam/messaging';

/** Customers' order activity, and the messaging tables (its inbox) that keep it exactly once. */
export class CreateCustomerActivity1795600000002 implements MigrationInterface {
  name = 'CreateCustomerActivity1795600000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'customer_activity',
        columns: [
          { name: 'customer_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'currency', type: 'varchar', length: '3', isPrimary: true },
          { name: 'confirmed_orders', type: 'integer' },
          { name: 'cancelled_orders', type: 'integer' },
          { name: 'spent_amount', type: 'bigint' },
        ],
      }),
    );
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.dropTable('customer_activity');
  }
}
