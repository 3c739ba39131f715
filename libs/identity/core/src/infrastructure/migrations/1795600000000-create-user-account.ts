import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Accounts. Written with TypeORM's schema builder: the same on SQLite and PostgreSQL. */
export class CreateUserAccount1795600000000 implements MigrationInterface {
  name = 'CreateUserAccount1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'user_account',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'email', type: 'varchar', length: '200' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'roles', type: 'varchar', length: '100' },
          { name: 'password_hash', type: 'varchar', length: '200' },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    // Emails are stored normalised, so a plain unique index is a case-insensitive one, and it
    // settles two concurrent registrations of one address.
    await queryRunner.createIndex(
      'user_account',
      new TableIndex({ name: 'user_account_email', columnNames: ['email'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_account');
  }
}
