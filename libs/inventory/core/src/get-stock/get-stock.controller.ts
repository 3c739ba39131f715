import { Payload } from '@nestjs/microservices';
import { type GetStock, InventoryContract, type StockLevel } from '@contracts/inventory';
import { ContractController, Handle } from '@seam/transport';
import { InventoryRepository } from '../infrastructure/inventory.repository.js';

/** `inventory.get-stock` */
@ContractController(InventoryContract)
export class GetStockController {
  constructor(private readonly inventory: InventoryRepository) {}

  @Handle(InventoryContract.getStock)
  async get(@Payload() request: GetStock): Promise<StockLevel> {
    const stock = await this.inventory.transaction((tx) => tx.findStock(request.sku));
    return stock ?? { sku: request.sku, available: 0, reserved: 0 };
  }
}
