import { Nested } from '@seam/transport';
import { IsBoolean, IsISO8601, IsString, IsUUID, MaxLength } from 'class-validator';
import { Money } from './money.dto.js';

/** `catalog.product.changed`: a product was created or updated (its state after the change). */
export class ProductChanged {
  @MaxLength(36) @IsUUID('4') id!: string;
  @MaxLength(40) @IsISO8601() occurredAt!: string;
  @IsString() @MaxLength(40) sku!: string;
  @IsString() @MaxLength(120) name!: string;
  @Nested(() => Money) price!: Money;
  @IsBoolean() active!: boolean;
}
