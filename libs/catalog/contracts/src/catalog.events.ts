import { Type } from 'class-transformer';
import { IsBoolean, IsISO8601, IsString, IsUUID, ValidateNested } from 'class-validator';
import { Money } from './money.dto.js';

/** `catalog.product.changed`: a product was created or updated (its state after the change). */
export class ProductChanged {
  @IsUUID('4') id!: string;
  @IsISO8601() occurredAt!: string;
  @IsString() sku!: string;
  @IsString() name!: string;
  @ValidateNested() @Type(() => Money) price!: Money;
  @IsBoolean() active!: boolean;
}
