import type { DataSource } from 'typeorm';
import type { PaymentEvent } from '@contracts/payments';
import { Outbox, Sql } from '@seam/messaging';
import { IdempotencyRepository } from '../infrastructure/idempotency.repository.js';

/**
 * An {@link IdempotencyRepository} on `dataSource` (migrated with the payments migrations), its
 * events written to the outbox there with no relay. Only for specs: nothing in the module imports it.
 */
export function keysOn(dataSource: DataSource): IdempotencyRepository {
  return new IdempotencyRepository(dataSource, new Outbox('payments', new Sql(dataSource), () => undefined));
}

/** The payment events in the payments outbox, oldest first. */
export async function paymentEventsIn(dataSource: DataSource): Promise<PaymentEvent[]> {
  const rows = (await dataSource.query('SELECT payload FROM seam_outbox ORDER BY seq')) as Array<{ payload: string }>;
  return rows.map((row) => JSON.parse(row.payload) as PaymentEvent);
}
