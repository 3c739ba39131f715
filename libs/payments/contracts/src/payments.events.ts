import { Nested, Optional } from '@seam/transport';
import { IsIn, IsISO8601, IsString, IsUUID, MaxLength } from 'class-validator';
import { Money } from './payments.dto.js';

/** A payment changed state (the payload of every payments event). */
export class PaymentEvent {
  @MaxLength(36) @IsUUID('4') id!: string;
  @MaxLength(40) @IsISO8601() occurredAt!: string;
  @MaxLength(36) @IsUUID('4') paymentId!: string;
  @MaxLength(36) @IsUUID('4') orderId!: string;
  @Nested(() => Money) amount!: Money;
  @IsIn(['authorized', 'declined', 'captured', 'refunded']) status!:
    'authorized' | 'declined' | 'captured' | 'refunded';
  @Optional() @IsString() @MaxLength(500) reason?: string;
}
