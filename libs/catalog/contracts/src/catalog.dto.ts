import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Money } from './money.dto.js';

/** A stock-keeping unit: 1 to 40 upper-case letters, digits and dashes. */
export const SKU = /^[A-Z0-9][A-Z0-9-]{0,39}$/;
const SKU_MESSAGE = { message: 'sku must be 1 to 40 upper-case letters, digits or dashes' };

/** A product as the catalog shows it. */
export class ProductView {
  sku!: string;
  name!: string;
  description!: string;
  price!: Money;
  active!: boolean;
  updatedAt!: string;
}

/** `catalog.list-products`: a page of products, optionally filtered by text. */
export class ListProducts {
  /** 1-based (default 1). */
  @IsOptional() @IsInt() @Min(1) @Max(10_000) page?: number;
  /** 1 to 100 (default 20). */
  @IsOptional() @IsInt() @Min(1) @Max(100) pageSize?: number;
  /** Matches name, description or sku, case-insensitively. */
  @IsOptional() @IsString() @MaxLength(100) q?: string;
  /** Include inactive products (for admins; default false). */
  @IsOptional() @IsBoolean() includeInactive?: boolean;
}

/** One page of products. */
export class ProductPage {
  items!: ProductView[];
  page!: number;
  pageSize!: number;
  total!: number;
}

/** `catalog.get-product` */
export class GetProduct {
  @Matches(SKU, SKU_MESSAGE) sku!: string;
}

/** `catalog.get-prices`: the current prices of several products at once (for ordering). */
export class GetPrices {
  @ArrayMinSize(1) @ArrayMaxSize(50) @Matches(SKU, { each: true, ...SKU_MESSAGE }) skus!: string[];
}

/** The price of one product, and whether it can be sold. */
export class PriceQuote {
  sku!: string;
  name!: string;
  unitPrice!: Money;
  active!: boolean;
}

/** Prices found, and the skus the catalog does not know. */
export class PriceList {
  prices!: PriceQuote[];
  unknownSkus!: string[];
}

/** `catalog.create-product` (admin). */
export class CreateProduct {
  @Matches(SKU, SKU_MESSAGE) sku!: string;
  @IsString() @MinLength(1) @MaxLength(120) name!: string;
  @IsString() @MaxLength(2_000) description!: string;
  @ValidateNested() @Type(() => Money) price!: Money;
  @IsBoolean() active!: boolean;
}

/** `catalog.update-product` (admin): the fields to change. */
export class UpdateProduct {
  @Matches(SKU, SKU_MESSAGE) sku!: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @IsOptional() @IsString() @MaxLength(2_000) description?: string;
  @IsOptional() @ValidateNested() @Type(() => Money) price?: Money;
  @IsOptional() @IsBoolean() active?: boolean;
}
