import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { Money } from './payments.dto.js';

/** A payment changed state (the payload of every payments event). */
export class PaymentEvent {
  @IsUUID('4') id!: string;
  @IsISO8601() occurredAt!: string;
  @IsUUID('4') paymentId!: string;
  @IsUUID('4') orderId!: string;
  @ValidateNested() @Type(() => Money) amount!: Money;
  @IsIn(['authorized', 'declined', 'captured', 'refunded']) status!:
    'authorized' | 'declined' | 'captured' | 'refunded';
  @IsOptional() @IsString() reason?: string;
}
