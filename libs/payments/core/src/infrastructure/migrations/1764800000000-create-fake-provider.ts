import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * The fake payment provider's books: its holds and its ledger, in the payments module's own
 * database, so that every replica of the module sees one provider, as it would a real one.
 */
export class CreateFakeProvider1764800000000 implements MigrationInterface {
  name = 'CreateFakeProvider1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'fake_provider_hold',
        columns: [
          { name: 'authorization_id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'amount', type: 'bigint' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'card_last4', type: 'varchar', length: '4' },
          { name: 'state', type: 'varchar', length: '10' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'fake_provider_ledger',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'type', type: 'varchar', length: '13' },
          { name: 'authorization_id', type: 'varchar', length: '100' },
          { name: 'amount', type: 'bigint' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'card_last4', type: 'varchar', length: '4' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('fake_provider_ledger');
    await queryRunner.dropTable('fake_provider_hold');
  }
}
