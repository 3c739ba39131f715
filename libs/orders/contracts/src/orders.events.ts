import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';

/** Money as it travels in order events. */
export class EventMoney {
  @IsInt() @Min(0) amount!: number;
  @Matches(/^[A-Z]{3}$/) currency!: string;
}

/** An order changed state (the payload of every orders event). */
export class OrderEvent {
  @IsUUID('4') id!: string;
  @IsISO8601() occurredAt!: string;
  @IsUUID('4') orderId!: string;
  @IsUUID('4') customerId!: string;
  @IsIn(['pending', 'confirmed', 'rejected', 'cancelled']) status!: 'pending' | 'confirmed' | 'rejected' | 'cancelled';
  @ValidateNested() @Type(() => EventMoney) total!: EventMoney;
  @IsOptional() @IsString() reason?: string;
}
