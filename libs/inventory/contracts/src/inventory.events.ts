import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsUUID, ValidateNested } from 'class-validator';
import { StockLine } from './inventory.dto.js';

/** `inventory.reservation.changed`: an order's stock was reserved, committed or released. */
export class ReservationChanged {
  @IsUUID('4') id!: string;
  @IsISO8601() occurredAt!: string;
  @IsUUID('4') orderId!: string;
  @IsIn(['reserved', 'committed', 'released']) status!: 'reserved' | 'committed' | 'released';
  @ValidateNested({ each: true }) @Type(() => StockLine) lines!: StockLine[];
}
