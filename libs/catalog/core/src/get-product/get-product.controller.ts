import { Payload } from '@nestjs/microservices';
import { CatalogContract, type GetProduct, type ProductView } from '@contracts/catalog';
import { ContractController, Handle, NotFoundError } from '@seam/transport';
import { ProductRepository } from '../infrastructure/product.repository.js';
import { toView } from '../product.views.js';

/** `catalog.get-product`: an inactive product is not found unless asked for (`includeInactive`). */
@ContractController(CatalogContract)
export class GetProductController {
  constructor(private readonly products: ProductRepository) {}

  @Handle(CatalogContract.getProduct)
  async get(@Payload() request: GetProduct): Promise<ProductView> {
    const product = await this.products.findBySku(request.sku);
    if (!product || (!product.active && request.includeInactive !== true))
      throw new NotFoundError(`No product ${request.sku}`, { sku: request.sku });
    return toView(product);
  }
}
