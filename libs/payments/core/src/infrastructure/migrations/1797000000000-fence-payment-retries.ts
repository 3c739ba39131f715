import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * What makes a retried capture or refund safe: `idempotency_key.claim_token` (each claim's own
 * id, so that a claimant thought dead cannot release or answer the claim that took its key over)
 * and `fake_provider_ledger.idempotency_key` (the fake provider answers a repeated settlement key
 * from its ledger, as a real provider does). Existing rows get null in both: claims made before
 * have no token to fence with, settlements made before no key to repeat.
 */
export class FencePaymentRetries1797000000000 implements MigrationInterface {
  name = 'FencePaymentRetries1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'idempotency_key',
      new TableColumn({ name: 'claim_token', type: 'varchar', length: '36', isNullable: true }),
    );
    await queryRunner.addColumn(
      'fake_provider_ledger',
      new TableColumn({ name: 'idempotency_key', type: 'varchar', length: '100', isNullable: true }),
    );
    await queryRunner.createIndex(
      'fake_provider_ledger',
      new TableIndex({
        name: 'fake_provider_ledger_idempotency_key',
        columnNames: ['idempotency_key'],
        isUnique: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('fake_provider_ledger', 'fake_provider_ledger_idempotency_key');
    await queryRunner.dropColumn('fake_provider_ledger', 'idempotency_key');
    await queryRunner.dropColumn('idempotency_key', 'claim_token');
  }
}
