import { Payload } from '@nestjs/microservices';
import { InventoryContract, type SetStock, type StockLevel } from '@contracts/inventory';
import { ContractController, Handle } from '@seam/transport';
import { InventoryRepository } from '../infrastructure/inventory.repository.js';

/** `inventory.set-stock` */
@ContractController(InventoryContract)
export class SetStockController {
  constructor(private readonly inventory: InventoryRepository) {}

  @Handle(InventoryContract.setStock)
  async set(@Payload() request: SetStock): Promise<StockLevel> {
    return this.inventory.transaction(async (tx) => {
      await tx.setAvailable(request.sku, request.available, new Date().toISOString());
      const stock = await tx.findStock(request.sku);
      if (!stock) throw new Error(`Stock of ${request.sku} vanished inside its own transaction`);
      return stock;
    });
  }
}
