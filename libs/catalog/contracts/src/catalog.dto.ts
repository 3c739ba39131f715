import { Nested, Optional } from '@seam/transport';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Money } from './money.dto.js';

/** A stock-keeping unit: 1 to 40 upper-case letters, digits and dashes. */
export const SKU = /^[A-Z0-9][A-Z0-9-]{0,39}$/;
const SKU_MESSAGE = { message: 'sku must be 1 to 40 upper-case letters, digits or dashes' };
const SKU_MAX = 40;
/** Free text holds no U+0000: PostgreSQL refuses it in every text value (a 500, counted against the module's breaker). */
// oxlint-disable-next-line no-control-regex -- U+0000 is the very character refused
const NO_NUL = /^[^\u0000]*$/;
const NO_NUL_MESSAGE = { message: '$property must not contain U+0000 (NUL)' };

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
  @Optional() @IsInt() @Min(1) @Max(10_000) page?: number;
  /** 1 to 100 (default 20). */
  @Optional() @IsInt() @Min(1) @Max(100) pageSize?: number;
  /** Matches name, description or sku, case-insensitively. */
  @Optional() @IsString() @MaxLength(100) @Matches(NO_NUL, NO_NUL_MESSAGE) q?: string;
  /** Include inactive products (for admins; default false). */
  @Optional() @IsBoolean() includeInactive?: boolean;
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
  @MaxLength(SKU_MAX) @Matches(SKU, SKU_MESSAGE) sku!: string;
  /** Answer an inactive product too (for admins; default false: it is not found, as an unknown sku). */
  @Optional() @IsBoolean() includeInactive?: boolean;
}

/** `catalog.get-prices`: the current prices of several products at once (for ordering). */
export class GetPrices {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @MaxLength(SKU_MAX, { each: true })
  @Matches(SKU, { each: true, ...SKU_MESSAGE })
  skus!: string[];
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
  @MaxLength(SKU_MAX) @Matches(SKU, SKU_MESSAGE) sku!: string;
  @IsString() @MinLength(1) @MaxLength(120) @Matches(NO_NUL, NO_NUL_MESSAGE) name!: string;
  @IsString() @MaxLength(2_000) @Matches(NO_NUL, NO_NUL_MESSAGE) description!: string;
  @Nested(() => Money) price!: Money;
  @IsBoolean() active!: boolean;
}

/** `catalog.update-product` (admin): the fields to change. */
export class UpdateProduct {
  @MaxLength(SKU_MAX) @Matches(SKU, SKU_MESSAGE) sku!: string;
  @Optional() @IsString() @MinLength(1) @MaxLength(120) @Matches(NO_NUL, NO_NUL_MESSAGE) name?: string;
  @Optional() @IsString() @MaxLength(2_000) @Matches(NO_NUL, NO_NUL_MESSAGE) description?: string;
  @Optional() @Nested(() => Money) price?: Money;
  @Optional() @IsBoolean() active?: boolean;
}
