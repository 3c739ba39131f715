import { IsInt, Matches, Max, Min } from 'class-validator';

/** An amount of money in integer minor units (cents) of an ISO 4217 currency. Never a float. */
export class Money {
  @IsInt() @Min(0) @Max(100_000_000_00) amount!: number;
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code' }) currency!: string;
}
