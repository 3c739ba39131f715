import { Payload } from '@nestjs/microservices';
import { CatalogContract, type ListProducts, type ProductPage } from '@contracts/catalog';
import { ContractController, Handle } from '@seam/transport';
import { ProductRepository } from '../infrastructure/product.repository.js';
import { toView } from '../product.views.js';

/** `catalog.list-products` */
@ContractController(CatalogContract)
export class ListProductsController {
  constructor(private readonly products: ProductRepository) {}

  @Handle(CatalogContract.listProducts)
  async list(@Payload() request: ListProducts): Promise<ProductPage> {
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? 20;
    const text = request.q?.trim() || undefined;
    const slice = await this.products.findPage({
      text,
      includeInactive: request.includeInactive ?? false,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    return { items: slice.items.map(toView), page, pageSize, total: slice.total };
  }
}
