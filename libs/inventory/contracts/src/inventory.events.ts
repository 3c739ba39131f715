import { Nested } from '@seam/transport';
import { IsIn, IsISO8601, IsUUID, MaxLength } from 'class-validator';
import { MAX_STOCK_LINES, StockLine } from './inventory.dto.js';

/** `inventory.reservation.changed`: an order's stock was reserved, committed or released. */
export class ReservationChanged {
  @MaxLength(36) @IsUUID('4') id!: string;
  @MaxLength(40) @IsISO8601() occurredAt!: string;
  @MaxLength(36) @IsUUID('4') orderId!: string;
  @IsIn(['reserved', 'committed', 'released']) status!: 'reserved' | 'committed' | 'released';
  @Nested(() => StockLine, { maxItems: MAX_STOCK_LINES }) lines!: StockLine[];
}
