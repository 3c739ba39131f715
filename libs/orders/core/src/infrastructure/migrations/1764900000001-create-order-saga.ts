import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The place-order saga's own state: one row per placement still running or still owing an undo
 * (`order_saga`), and the log of every step and compensation (`order_saga_step`).
 */
export class CreateOrderSaga1764900000001 implements MigrationInterface {
  name = 'CreateOrderSaga1764900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'order_saga',
        columns: [
          { name: 'order_id', type: 'varchar', length: '36', isPrimary: true },
          // Epoch ms. Whoever holds the saga (the placing call, then a recovery) until then.
          { name: 'lease_until', type: 'bigint' },
          { name: 'held_by', type: 'varchar', length: '100', isNullable: true },
          { name: 'recoveries', type: 'integer', default: 0 },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_saga_step',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'order_id', type: 'varchar', length: '36' },
          { name: 'step', type: 'varchar', length: '30' },
          { name: 'outcome', type: 'varchar', length: '20' },
          { name: 'detail', type: 'text', isNullable: true },
          { name: 'at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'order_saga_step',
      new TableIndex({ name: 'order_saga_step_order', columnNames: ['order_id', 'seq'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('order_saga_step');
    await queryRunner.dropTable('order_saga');
  }
}
