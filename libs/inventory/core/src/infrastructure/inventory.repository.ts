import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Outbox } from '@seam/messaging';
import { inTransaction } from '@seam/persistence';
import type { DataSource } from 'typeorm';
import { InventoryStatements } from './inventory.statements.js';
import { InventoryTransaction } from './inventory.transaction.js';

/** The inventory's stock and reservations, in its own database, and its outbox. */
@Injectable()
export class InventoryRepository {
  private readonly statements: InventoryStatements;

  constructor(
    @InjectDataSource('inventory') private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.statements = new InventoryStatements(dataSource);
  }

  /**
   * Runs `work` in one transaction and returns its result; any error it throws rolls everything
   * back. Reads go through here too: {@link InventoryTransaction} is the module's one door to its
   * data, and a use case's reads and writes share one consistent view.
   */
  transaction<T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, (manager) =>
      work(new InventoryTransaction(manager, this.outbox, this.statements)),
    );
  }
}
