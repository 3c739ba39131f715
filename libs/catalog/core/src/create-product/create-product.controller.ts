import { Payload } from '@nestjs/microservices';
import { CatalogContract, type CreateProduct, type ProductView } from '@contracts/catalog';
import { ConflictError, ContractController, Handle } from '@seam/transport';
import { newProduct } from '../domain/product.js';
import { ProductRepository } from '../infrastructure/product.repository.js';
import { toView } from '../product.views.js';

/** `catalog.create-product` */
@ContractController(CatalogContract)
export class CreateProductController {
  constructor(private readonly products: ProductRepository) {}

  @Handle(CatalogContract.createProduct)
  async create(@Payload() request: CreateProduct): Promise<ProductView> {
    const product = newProduct(
      {
        sku: request.sku,
        name: request.name,
        description: request.description,
        price: request.price,
        active: request.active,
      },
      new Date(),
    );
    if (!(await this.products.insert(product)))
      throw new ConflictError(`Product ${request.sku} already exists`, { sku: request.sku });
    return toView(product);
  }
}
