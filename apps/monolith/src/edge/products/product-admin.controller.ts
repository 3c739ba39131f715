import { Body, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CatalogContract } from '@contracts/catalog';
import { InventoryContract } from '@contracts/inventory';
import { SeamClient } from '@seam/transport';
import { Roles } from '../auth/auth.decorators.js';
import { ApiProblems } from '../docs/api-problems.decorator.js';
import { EdgeController } from '../edge-controller.decorator.js';
import {
  CreateProductRequest,
  ProductResponse,
  SetStockRequest,
  SkuParams,
  StockResponse,
  UpdateProductRequest,
} from './products.dto.js';

/** Managing products and their stock (admins), through `CatalogContract` and `InventoryContract`. */
@EdgeController('api/products', 'products (admin)')
@Roles('admin')
export class ProductAdminController {
  constructor(private readonly seam: SeamClient) {}

  @Post()
  @ApiOperation({
    summary: 'Add a product (an inactive product is neither listed nor shown by GET /api/products/:sku)',
  })
  @ApiCreatedResponse({ type: ProductResponse })
  @ApiProblems(409)
  async create(@Body() body: CreateProductRequest): Promise<ProductResponse> {
    const { sku, name, description = '', price, active = true } = body;
    return ProductResponse.from(
      await this.seam.send(CatalogContract.createProduct, { sku, name, description, price, active }),
    );
  }

  @Patch(':sku')
  @ApiOperation({ summary: 'Change some fields of a product' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiProblems(404)
  async update(@Param() params: SkuParams, @Body() body: UpdateProductRequest): Promise<ProductResponse> {
    const { name, description, price, active } = body;
    return ProductResponse.from(
      await this.seam.send(CatalogContract.updateProduct, { sku: params.sku, name, description, price, active }),
    );
  }

  @Put(':sku/stock')
  @ApiOperation({ summary: 'Set how many units of a product can be ordered' })
  @ApiOkResponse({ type: StockResponse })
  @ApiProblems(404)
  async setStock(@Param() params: SkuParams, @Body() body: SetStockRequest): Promise<StockResponse> {
    await this.productMustExist(params.sku);
    return StockResponse.from(
      await this.seam.send(InventoryContract.setStock, { sku: params.sku, available: body.available }),
    );
  }

  @Get(':sku/stock')
  @ApiOperation({ summary: 'The stock of a product' })
  @ApiOkResponse({ type: StockResponse })
  @ApiProblems(404)
  async getStock(@Param() params: SkuParams): Promise<StockResponse> {
    await this.productMustExist(params.sku);
    return StockResponse.from(await this.seam.send(InventoryContract.getStock, { sku: params.sku }));
  }

  /**
   * The stock resource lives under its product: an unknown product is a 404 here, as for
   * `GET /api/products/:sku`; an inactive one is still managed (its stock is set before it goes on sale).
   */
  private async productMustExist(sku: string): Promise<void> {
    await this.seam.send(CatalogContract.getProduct, { sku, includeInactive: true });
  }
}
