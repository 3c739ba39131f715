import { IsInt, Matches, Max, MaxLength, Min } from 'class-validator';

/** An amount of money in integer minor units (cents) of an ISO 4217 currency. Never a float. */
export class Money {
  // At least one minor unit: every order is paid by card, and a card cannot be charged nothing.
  // At most 10,000,000.00 in minor units: prices are stored in 32-bit integer columns.
  @IsInt() @Min(1) @Max(1_000_000_000) amount!: number;
  @MaxLength(3) @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code' }) currency!: string;
}
