import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, MaxLength } from 'class-validator';

/** An amount in integer minor units (cents) of an ISO 4217 currency; never a float. */
export class MoneyDto {
  @ApiProperty({ description: 'Minor units (cents)', example: 1499 })
  @IsInt()
  amount!: number;

  @ApiProperty({ description: 'ISO 4217 code', example: 'EUR' })
  @IsString()
  @MaxLength(3)
  currency!: string;

  static from(money: { amount: number; currency: string }): MoneyDto {
    return { amount: money.amount, currency: money.currency };
  }
}
