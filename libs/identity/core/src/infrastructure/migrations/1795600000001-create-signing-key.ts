import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** The module's own token-signing secret (when `JWT_SECRET` is not set). */
export class CreateSigningKey1795600000001 implements MigrationInterface {
  name = 'CreateSigningKey1795600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'signing_key',
        columns: [
          { name: 'id', type: 'varchar', length: '40', isPrimary: true },
          { name: 'secret', type: 'varchar', length: '200' },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('signing_key');
  }
}
