import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';

const SKU = /^[A-Z0-9][A-Z0-9-]{0,39}$/;
const SKU_MESSAGE = { message: 'sku must be 1 to 40 upper-case letters, digits or dashes' };

/** A quantity of one sku. */
export class StockLine {
  @Matches(SKU, SKU_MESSAGE) sku!: string;
  @IsInt() @Min(1) @Max(10_000) quantity!: number;
}

/** `inventory.reserve-stock`: hold stock for an order, all lines or none. */
export class ReserveStock {
  @IsUUID('4') orderId!: string;
  @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => StockLine) lines!: StockLine[];
}

/** Where an order's stock stands. */
export type ReservationStatus = 'reserved' | 'committed' | 'released';

/** The stock held for one order. */
export class Reservation {
  orderId!: string;
  status!: ReservationStatus;
  /** What was reserved, one line per sku; none for an order released before it was reserved. */
  lines!: StockLine[];
}

/** `inventory.release-stock` / `inventory.commit-stock`: act on an order's reservation. */
export class ReservationRef {
  @IsUUID('4') orderId!: string;
}

/** `inventory.get-stock` */
export class GetStock {
  @Matches(SKU, SKU_MESSAGE) sku!: string;
}

/** The stock of one sku: what can still be reserved, and what is held for orders. */
export class StockLevel {
  sku!: string;
  available!: number;
  reserved!: number;
}

/** `inventory.set-stock` (admin): how many units are available to reserve from now on. */
export class SetStock {
  @Matches(SKU, SKU_MESSAGE) sku!: string;
  @IsInt() @Min(0) @Max(1_000_000_000) available!: number;
}
