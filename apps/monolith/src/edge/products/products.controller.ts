import { Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CatalogContract } from '@contracts/catalog';
import { SeamClient } from '@seam/transport';
import { ApiProblems } from '../docs/api-problems.decorator.js';
import { EdgeController } from '../edge-controller.decorator.js';
import { ListProductsQuery, ProductPageResponse, ProductResponse, SkuParams } from './products.dto.js';

/**
 * Browsing the active catalog (no account needed), through `CatalogContract`: a product taken off
 * sale is neither listed nor shown; admins manage it through the admin routes.
 */
@EdgeController('api/products', 'products')
export class ProductsController {
  constructor(private readonly seam: SeamClient) {}

  @Get()
  @ApiOperation({ summary: 'A page of the products on sale, optionally matching a text' })
  @ApiOkResponse({ type: ProductPageResponse })
  async list(@Query() query: ListProductsQuery): Promise<ProductPageResponse> {
    return ProductPageResponse.from(
      await this.seam.send(CatalogContract.listProducts, { page: query.page, pageSize: query.pageSize, q: query.q }),
    );
  }

  @Get(':sku')
  @ApiOperation({ summary: 'One product on sale (an inactive product is a 404, as an unknown sku)' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiProblems(404)
  async get(@Param() params: SkuParams): Promise<ProductResponse> {
    return ProductResponse.from(await this.seam.send(CatalogContract.getProduct, { sku: params.sku }));
  }
}
