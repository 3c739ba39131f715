import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@seam/messaging';

/** The catalog's outbox (its `productChanged` events), dead letters and inbox. */
export class CreateCatalogMessaging1764000000001 implements MigrationInterface {
  name = 'CreateCatalogMessaging1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
  }
}
