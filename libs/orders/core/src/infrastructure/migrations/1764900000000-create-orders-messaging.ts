import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@seam/messaging';

/** The orders module's outbox (its events), dead letters and inbox. */
export class CreateOrdersMessaging1764900000000 implements MigrationInterface {
  name = 'CreateOrdersMessaging1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
  }
}
