import { Nested } from '@seam/transport';
import { ArrayMinSize, IsInt, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

const SKU = /^[A-Z0-9][A-Z0-9-]{0,39}$/;
const SKU_MESSAGE = { message: 'sku must be 1 to 40 upper-case letters, digits or dashes' };
/** Most lines in one reservation (an order has at most 20). */
export const MAX_STOCK_LINES = 50;

/** A quantity of one sku. */
export class StockLine {
  @MaxLength(40) @Matches(SKU, SKU_MESSAGE) sku!: string;
  @IsInt() @Min(1) @Max(10_000) quantity!: number;
}

/** `inventory.reserve-stock`: hold stock for an order, all lines or none. */
export class ReserveStock {
  @MaxLength(36) @IsUUID('4') orderId!: string;
  @ArrayMinSize(1) @Nested(() => StockLine, { maxItems: MAX_STOCK_LINES }) lines!: StockLine[];
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
  @MaxLength(36) @IsUUID('4') orderId!: string;
}

/** `inventory.get-stock` */
export class GetStock {
  @MaxLength(40) @Matches(SKU, SKU_MESSAGE) sku!: string;
}

/** The stock of one sku: what can still be reserved, and what is held for orders. */
export class StockLevel {
  sku!: string;
  available!: number;
  reserved!: number;
}

/** `inventory.set-stock` (admin): how many units are available to reserve from now on. */
export class SetStock {
  @MaxLength(40) @Matches(SKU, SKU_MESSAGE) sku!: string;
  @IsInt() @Min(0) @Max(1_000_000_000) available!: number;
}
