import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * The inventory's tables. Written with TypeORM's schema builder: the same on SQLite and
 * PostgreSQL. The CHECK constraints are the last line of defence of "stock never goes negative"
 * (the conditional updates of the repository are the first).
 */
export class CreateStock1764100000000 implements MigrationInterface {
  name = 'CreateStock1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'stock_item',
        columns: [
          { name: 'sku', type: 'varchar', length: '40', isPrimary: true },
          { name: 'available', type: 'integer' },
          { name: 'reserved', type: 'integer', default: 0 },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
        checks: [
          { name: 'stock_item_available_not_negative', expression: 'available >= 0' },
          { name: 'stock_item_reserved_not_negative', expression: 'reserved >= 0' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'reservation',
        columns: [
          { name: 'order_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'status', type: 'varchar', length: '10' },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
        checks: [{ name: 'reservation_status_known', expression: "status IN ('reserved', 'committed', 'released')" }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'reservation_line',
        columns: [
          { name: 'order_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'sku', type: 'varchar', length: '40', isPrimary: true },
          { name: 'quantity', type: 'integer' },
        ],
        checks: [{ name: 'reservation_line_quantity_positive', expression: 'quantity > 0' }],
        foreignKeys: [
          {
            name: 'reservation_line_reservation',
            columnNames: ['order_id'],
            referencedTableName: 'reservation',
            referencedColumnNames: ['order_id'],
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('reservation_line');
    await queryRunner.dropTable('reservation');
    await queryRunner.dropTable('stock_item');
  }
}
