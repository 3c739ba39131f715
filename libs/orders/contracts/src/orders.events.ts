import { Nested, Optional } from '@seam/transport';
import { IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';

/** Longest `reason` an event carries (reasons are short sentences the orders module writes). */
const MAX_REASON_LENGTH = 500;

/** Money as it travels in order events. */
export class EventMoney {
  @IsInt() @Min(0) amount!: number;
  @MaxLength(3) @Matches(/^[A-Z]{3}$/) currency!: string;
}

/** An order changed state (the payload of every orders event). */
export class OrderEvent {
  @MaxLength(36) @IsUUID('4') id!: string;
  @MaxLength(40) @IsISO8601() occurredAt!: string;
  @MaxLength(36) @IsUUID('4') orderId!: string;
  @MaxLength(36) @IsUUID('4') customerId!: string;
  @IsIn(['pending', 'confirmed', 'rejected', 'cancelled']) status!: 'pending' | 'confirmed' | 'rejected' | 'cancelled';
  @Nested(() => EventMoney) total!: EventMoney;
  @Optional() @IsString() @MaxLength(MAX_REASON_LENGTH) reason?: string;
}
