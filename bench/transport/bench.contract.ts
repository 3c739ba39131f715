import { defineContract, request } from '@seam/transport';
import { IsBoolean, IsInt, IsString, MaxLength, Min } from 'class-validator';

/** The 3-field DTO of the benchmark, both ways (request and response). */
export class Triple {
  @IsString() @MaxLength(64) name!: string;
  @IsInt() @Min(0) quantity!: number;
  @IsBoolean() gift!: boolean;
}

/** The benchmark's own module: one request, served with and without door validation. */
export const BenchContract = defineContract('bench', {
  echo: request({
    pattern: 'bench.echo-triple',
    request: Triple,
    response: Triple,
    idempotent: true,
    callers: ['bench-caller'],
  }),
  echoValidated: request({
    pattern: 'bench.check-triple',
    request: Triple,
    response: Triple,
    idempotent: true,
    callers: ['bench-caller'],
  }),
});

/** The pattern of the stock Nest handler used by the baseline rows. */
export const STOCK_PATTERN = 'bench.stock-echo';

/** The payload every row sends. */
export const SAMPLE: Triple = { name: 'widget', quantity: 3, gift: true };
