import { Module } from '@nestjs/common';
import { InventoryContract } from '@contracts/inventory';
import { SeamMessagingModule } from '@seam/messaging';
import { SeamPersistenceModule } from '@seam/persistence';
import { SeamTransportModule } from '@seam/transport';
import { CommitStockController } from './commit-stock/commit-stock.controller.js';
import { GetStockController } from './get-stock/get-stock.controller.js';
import { InventoryRepository } from './infrastructure/inventory.repository.js';
import { ReleasedReservationRetention } from './infrastructure/reservation-pruning.js';
import { INVENTORY_CONFIG, inventoryConfigFromEnv } from './inventory.config.js';
import { inventoryData } from './inventory.data.js';
import { ReleaseStockController } from './release-stock/release-stock.controller.js';
import { ReservationTransitions } from './reservation-transitions.service.js';
import { ReserveStockController } from './reserve-stock/reserve-stock.controller.js';
import { SetStockController } from './set-stock/set-stock.controller.js';

/**
 * The inventory module: stock per sku and reservations per order, in its own database, behind
 * `InventoryContract`. Released reservations are kept for a retention (`InventoryConfig`), then pruned.
 */
@Module({
  imports: [
    SeamPersistenceModule.forModule(inventoryData),
    SeamTransportModule.forModule('inventory'),
    SeamMessagingModule.forModule(InventoryContract),
  ],
  controllers: [
    GetStockController,
    SetStockController,
    ReserveStockController,
    CommitStockController,
    ReleaseStockController,
  ],
  providers: [
    { provide: INVENTORY_CONFIG, useFactory: () => inventoryConfigFromEnv() },
    InventoryRepository,
    ReservationTransitions,
    ReleasedReservationRetention,
  ],
})
export class InventoryModule {}
