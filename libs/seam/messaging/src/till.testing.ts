import { IsString } from 'class-validator';
import { defineModuleData } from '@seam/persistence';
import { defineContract, event } from '@seam/transport';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables } from './messaging.tables.js';

// What the relay's tests with real databases share (relay-stop.int-spec.ts, outbox-replicas.int-spec.ts):
// a till module whose one event goes to a books module, each with nothing but its messaging tables.

/** The till's event. */
export class Paid {
  @IsString() id!: string;
}

/** The till's contract: `paid`, for the books module. */
export const Till = defineContract('till', {
  paid: event({ pattern: 'till.sale.paid', subscribers: ['books'], payload: Paid }),
});

class CreateMessaging1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await createMessagingTables(runner);
  }
  async down(): Promise<void> {}
}

/** The till's data: its messaging tables. */
export const tillData = defineModuleData({ module: 'till', entities: [], migrations: [CreateMessaging1700000000000] });
/** The books module's data: its messaging tables. */
export const booksData = defineModuleData({
  module: 'books',
  entities: [],
  migrations: [CreateMessaging1700000000000],
});
