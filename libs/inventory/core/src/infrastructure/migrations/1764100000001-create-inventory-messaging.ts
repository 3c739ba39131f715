import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@seam/messaging';

/** The inventory's outbox (its `reservationChanged` events), dead letters and inbox. */
export class CreateInventoryMessaging1764100000001 implements MigrationInterface {
  name = 'CreateInventoryMessaging1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
  }
}
