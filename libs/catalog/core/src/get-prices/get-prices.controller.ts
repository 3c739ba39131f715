import { Payload } from '@nestjs/microservices';
import { CatalogContract, type GetPrices, type PriceList } from '@contracts/catalog';
import { ContractController, Handle } from '@seam/transport';
import { ProductRepository } from '../infrastructure/product.repository.js';

/** `catalog.get-prices` */
@ContractController(CatalogContract)
export class GetPricesController {
  constructor(private readonly products: ProductRepository) {}

  @Handle(CatalogContract.getPrices)
  async prices(@Payload() request: GetPrices): Promise<PriceList> {
    const skus = [...new Set(request.skus)];
    const found = await this.products.findBySkus(skus);
    const known = new Set(found.map((product) => product.sku));
    return {
      prices: found.map((product) => ({
        sku: product.sku,
        name: product.name,
        unitPrice: { ...product.price },
        active: product.active,
      })),
      unknownSkus: skus.filter((sku) => !known.has(sku)),
    };
  }
}
