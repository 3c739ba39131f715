import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createInboxReceivedAtIndex, dropInboxReceivedAtIndex } from '@seam/messaging';

/** Indexes the inbox by when an entry was received: its hourly prune then reads only what it deletes. */
export class IndexCatalogInbox1796600000000 implements MigrationInterface {
  name = 'IndexCatalogInbox1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createInboxReceivedAtIndex(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropInboxReceivedAtIndex(queryRunner);
  }
}
