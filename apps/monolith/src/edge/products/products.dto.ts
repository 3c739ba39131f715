import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ProductPage, ProductView } from '@contracts/catalog';
import type { StockLevel } from '@contracts/inventory';
import { Nested, Optional } from '@seam/transport';
import { IsBoolean, IsInt, IsString, MaxLength } from 'class-validator';
import { MoneyDto } from '../money.dto.js';

// Shapes only: sku syntax, lengths and ranges are the catalog's and inventory's rules, enforced
// at their doors and reported with these same field names.

/** `GET /api/products?page=&pageSize=&q=` */
export class ListProductsQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 }) @Optional() @IsInt() page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 }) @Optional() @IsInt() pageSize?: number;
  @ApiPropertyOptional({ description: 'Matches name, description or sku', maxLength: 100 })
  @Optional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

/** `/api/products/:sku…` */
export class SkuParams {
  @ApiProperty({ example: 'MUG-SEAM' }) @IsString() @MaxLength(40) sku!: string;
}

/** `POST /api/products` (admin) */
export class CreateProductRequest {
  @ApiProperty({ pattern: '^[A-Z0-9][A-Z0-9-]{0,39}$', example: 'MUG-SEAM' }) @IsString() @MaxLength(40) sku!: string;
  @ApiProperty({ maxLength: 120, example: 'Seam enamel mug' }) @IsString() @MaxLength(120) name!: string;
  @ApiPropertyOptional({ maxLength: 2000, default: '' })
  @Optional()
  @IsString()
  @MaxLength(2_000)
  description?: string;
  @ApiProperty({ type: MoneyDto }) @Nested(() => MoneyDto) price!: MoneyDto;
  @ApiPropertyOptional({ default: true }) @Optional() @IsBoolean() active?: boolean;
}

/** `PATCH /api/products/:sku` (admin): the fields to change. */
export class UpdateProductRequest {
  @ApiPropertyOptional({ maxLength: 120 }) @Optional() @IsString() @MaxLength(120) name?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @Optional() @IsString() @MaxLength(2_000) description?: string;
  @ApiPropertyOptional({ type: MoneyDto }) @Optional() @Nested(() => MoneyDto) price?: MoneyDto;
  @ApiPropertyOptional() @Optional() @IsBoolean() active?: boolean;
}

/** `PUT /api/products/:sku/stock` (admin): how many units can be ordered from now on. */
export class SetStockRequest {
  @ApiProperty({ minimum: 0, example: 100 }) @IsInt() available!: number;
}

/** A product as the HTTP API shows it. */
export class ProductResponse {
  @ApiProperty({ example: 'MUG-SEAM' }) sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: MoneyDto }) price!: MoneyDto;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(view: ProductView): ProductResponse {
    return {
      sku: view.sku,
      name: view.name,
      description: view.description,
      price: MoneyDto.from(view.price),
      active: view.active,
      updatedAt: view.updatedAt,
    };
  }
}

/** One page of products. */
export class ProductPageResponse {
  @ApiProperty({ type: [ProductResponse] }) items!: ProductResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty() total!: number;

  static from(page: ProductPage): ProductPageResponse {
    return {
      items: page.items.map((item) => ProductResponse.from(item)),
      page: page.page,
      pageSize: page.pageSize,
      total: page.total,
    };
  }
}

/** The stock of a product. */
export class StockResponse {
  @ApiProperty() sku!: string;
  @ApiProperty({ description: 'Units that can still be ordered' }) available!: number;
  @ApiProperty({ description: 'Units held for orders in progress' }) reserved!: number;

  static from(level: StockLevel): StockResponse {
    return { sku: level.sku, available: level.available, reserved: level.reserved };
  }
}
