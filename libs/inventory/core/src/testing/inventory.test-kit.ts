import type { ReservationChanged } from '@contracts/inventory';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { Outbox, Sql } from '@seam/messaging';
import type { DataSource } from 'typeorm';
import type { Reservation } from '../domain/reservation.js';
import { InventoryRepository } from '../infrastructure/inventory.repository.js';
import type { InventoryTransaction } from '../infrastructure/inventory.transaction.js';
import { inventoryData } from '../inventory.data.js';

/** What a use-case spec works with: the real repository on a private in-memory database, migrated. */
export interface InventoryTestKit {
  inventory: InventoryRepository;
  /** The `reservationChanged` payloads committed to the outbox so far, oldest first. */
  published(): Promise<ReservationChanged[]>;
  /** Stocks a sku (outside any use case). */
  stock(sku: string, available: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens a fresh in-memory inventory database for one spec. */
export async function openInventoryTestKit(): Promise<InventoryTestKit> {
  const dataSource: DataSource = await openDataSource(dataSourceOptions(inventoryData, { kind: 'memory' }));
  // The real outbox, with no relay: an event counts once its transaction has committed (a use case
  // writes its event before moving stock, and a failed move must take the event back with it).
  const inventory = new InventoryRepository(dataSource, new Outbox('inventory', new Sql(dataSource), () => undefined));
  return {
    inventory,
    published: async () => {
      const rows = (await dataSource.query('SELECT payload FROM seam_outbox ORDER BY seq')) as Array<{
        payload: string;
      }>;
      return rows.map((row) => JSON.parse(row.payload) as ReservationChanged);
    },
    stock: (sku, available) => inventory.transaction((tx) => tx.setAvailable(sku, available, new Date().toISOString())),
    close: () => dataSource.destroy(),
  };
}

/**
 * The repository as a request sees it when it loses a race: the first reservation read
 * inside the first transaction answers `stale` (what it would have read before a concurrent
 * transaction committed), every other query sees the database as it is. On SQLite transactions
 * never interleave, so this is how a spec reaches the code PostgreSQL runs under contention.
 */
export function racedRepository(inventory: InventoryRepository, stale: Reservation | undefined): InventoryRepository {
  let raced = false;
  const transaction = <T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T> =>
    inventory.transaction((tx) => {
      if (raced) return work(tx);
      raced = true;
      let read = false;
      const findReservation = async (orderId: string) => {
        if (read) return tx.findReservation(orderId);
        read = true;
        return stale;
      };
      return work(Object.assign(Object.create(tx) as InventoryTransaction, { findReservation }));
    });
  return { transaction } as InventoryRepository;
}
