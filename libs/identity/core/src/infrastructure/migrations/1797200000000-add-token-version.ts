import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * `user_account.token_version`: raised by a sign-out or a password change, so that every token
 * issued before stops verifying. Existing accounts start at 0, the version of every token issued
 * before this column (they carry no version claim), so no one is signed out by the upgrade.
 */
export class AddTokenVersion1797200000000 implements MigrationInterface {
  name = 'AddTokenVersion1797200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'user_account',
      new TableColumn({ name: 'token_version', type: 'integer', isNullable: false, default: 0 }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('user_account', 'token_version');
  }
}
