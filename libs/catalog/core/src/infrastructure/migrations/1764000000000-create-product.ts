import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** The catalog's first table. Written with TypeORM's schema builder: the same on SQLite and PostgreSQL. */
export class CreateProduct1764000000000 implements MigrationInterface {
  name = 'CreateProduct1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'product',
        columns: [
          { name: 'sku', type: 'varchar', length: '40', isPrimary: true },
          { name: 'name', type: 'varchar', length: '120' },
          { name: 'description', type: 'text' },
          { name: 'price_amount', type: 'integer' },
          { name: 'price_currency', type: 'varchar', length: '3' },
          { name: 'active', type: 'boolean' },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'product',
      new TableIndex({ name: 'product_active_sku', columnNames: ['active', 'sku'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('product');
  }
}
