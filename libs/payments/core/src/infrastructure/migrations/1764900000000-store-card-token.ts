import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Card data as the provider names it: `payment.card_token` (the provider's opaque token for the
 * card) and `idempotency_key.card_fingerprint` (a keyed HMAC of the number, to refuse a key
 * reused with another card). Existing rows keep their last four digits and get neither: no
 * earlier version stored a card number (only `card_last4`, and a request hash over the last four),
 * so there is nothing to scrub, and a fingerprint cannot be made without the number.
 */
export class StoreCardToken1764900000000 implements MigrationInterface {
  name = 'StoreCardToken1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'payment',
      new TableColumn({ name: 'card_token', type: 'varchar', length: '100', isNullable: true }),
    );
    await queryRunner.addColumn(
      'idempotency_key',
      new TableColumn({ name: 'card_fingerprint', type: 'varchar', length: '80', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('idempotency_key', 'card_fingerprint');
    await queryRunner.dropColumn('payment', 'card_token');
  }
}
