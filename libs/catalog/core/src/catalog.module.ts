import { Module } from '@nestjs/common';
import { CatalogContract } from '@contracts/catalog';
import { SeamMessagingModule } from '@seam/messaging';
import { SeamPersistenceModule } from '@seam/persistence';
import { SeamTransportModule } from '@seam/transport';
import { catalogData } from './catalog.data.js';
import { CreateProductController } from './create-product/create-product.controller.js';
import { GetPricesController } from './get-prices/get-prices.controller.js';
import { GetProductController } from './get-product/get-product.controller.js';
import { ProductRepository } from './infrastructure/product.repository.js';
import { ListProductsController } from './list-products/list-products.controller.js';
import { UpdateProductController } from './update-product/update-product.controller.js';

/** The catalog module: products and prices, in its own database, behind `CatalogContract`. */
@Module({
  imports: [
    SeamPersistenceModule.forModule(catalogData),
    SeamTransportModule.forModule('catalog'),
    SeamMessagingModule.forModule(CatalogContract),
  ],
  controllers: [
    ListProductsController,
    GetProductController,
    GetPricesController,
    CreateProductController,
    UpdateProductController,
  ],
  providers: [ProductRepository],
})
export class CatalogModule {}
