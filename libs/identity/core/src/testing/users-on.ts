import type { DataSource } from 'typeorm';
import { Outbox, Sql } from '@seam/messaging';
import { UserRecord } from '../infrastructure/user.record.js';
import { UserRepository } from '../infrastructure/user.repository.js';

/**
 * A {@link UserRepository} on `dataSource` (migrated with identity's migrations), its events
 * written to the outbox there with no relay. Only for specs: nothing in the module imports it.
 */
export function usersOn(dataSource: DataSource): UserRepository {
  return new UserRepository(
    dataSource.getRepository(UserRecord),
    dataSource,
    new Outbox('identity', new Sql(dataSource), () => undefined),
  );
}

/** The events in identity's outbox, oldest first. */
export async function outboxOf(
  dataSource: DataSource,
): Promise<Array<{ pattern: string; aggregateId: string; payload: unknown }>> {
  const rows = (await dataSource.query(
    'SELECT pattern, aggregate_id, payload FROM seam_outbox ORDER BY seq',
  )) as Array<{ pattern: string; aggregate_id: string; payload: string }>;
  return rows.map((row) => ({
    pattern: row.pattern,
    aggregateId: row.aggregate_id,
    payload: JSON.parse(row.payload) as unknown,
  }));
}
