import { Payload } from '@nestjs/microservices';
import { CatalogContract, type ProductView, type UpdateProduct } from '@contracts/catalog';
import { ContractController, Handle, NotFoundError } from '@seam/transport';
import { applyChanges } from '../domain/product.js';
import { ProductRepository } from '../infrastructure/product.repository.js';
import { toView } from '../product.views.js';

/** `catalog.update-product` */
@ContractController(CatalogContract)
export class UpdateProductController {
  constructor(private readonly products: ProductRepository) {}

  @Handle(CatalogContract.updateProduct)
  async update(@Payload() request: UpdateProduct): Promise<ProductView> {
    const changes = {
      name: request.name,
      description: request.description,
      price: request.price,
      active: request.active,
    };
    const next = await this.products.update(request.sku, (product) => applyChanges(product, changes, new Date()));
    if (!next) throw new NotFoundError(`No product ${request.sku}`, { sku: request.sku });
    return toView(next);
  }
}
