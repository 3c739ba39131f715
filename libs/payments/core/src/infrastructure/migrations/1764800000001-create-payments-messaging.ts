import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@seam/messaging';

/** The payments module's outbox (its payment events), dead letters and inbox. */
export class CreatePaymentsMessaging1764800000001 implements MigrationInterface {
  name = 'CreatePaymentsMessaging1764800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
  }
}
