// class-transformer's @Type reads decorator metadata; in an app, @nestjs/core loads this polyfill.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ArgumentMetadata } from '@nestjs/common';
import { ValidationError } from '@seam/transport';
import * as fc from 'fast-check';
import * as authDtos from '../../apps/monolith/src/edge/auth/auth.dto.js';
import * as moneyDtos from '../../apps/monolith/src/edge/money.dto.js';
import * as orderDtos from '../../apps/monolith/src/edge/orders/orders.dto.js';
import * as productDtos from '../../apps/monolith/src/edge/products/products.dto.js';
import { EdgeValidationPipe } from '../../apps/monolith/src/edge/validation/edge-validation.pipe.js';
import { EDGE_SAMPLES } from './support/dto-samples.js';
import { hostilePayload, isValidatedDto } from './support/dto-rules.js';
import { spoiledPayload } from './support/dto-spoilers.js';

type Dto = new () => object;

/** The edge's pipe as it was before compiled validators: Nest's ValidationPipe decides every input. */
class PipeAlone extends EdgeValidationPipe {
  protected override acceptedAsIs(): unknown {
    return undefined;
  }
}

const edgeDtos = new Map<string, Dto>();
for (const [file, exports] of Object.entries({
  auth: authDtos,
  money: moneyDtos,
  orders: orderDtos,
  products: productDtos,
})) {
  for (const [name, value] of Object.entries(exports))
    if (isValidatedDto(value)) edgeDtos.set(`${file}.${name}`, value as Dto);
}

const cases = [...edgeDtos].map(([label, dto]) => ({
  label,
  dto,
  part: EDGE_SAMPLES[label]!.part,
  sample: EDGE_SAMPLES[label]!.sample,
}));
const RUNS = { numRuns: 300 };

/** Classes and fields, recursively: the same JSON under another class is another answer. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return { list: value.map(shapeOf) };
  if (typeof value !== 'object' || value === null) return value;
  const fields = Object.keys(value).map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]);
  return { class: value.constructor, fields };
}

/** A pipe's answer, comparable with toEqual: the instance's classes and fields, or the error's shape. */
async function outcome(pipe: EdgeValidationPipe, value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
  try {
    return { accepted: shapeOf(await pipe.transform(value, metadata)) };
  } catch (error) {
    if (error instanceof ValidationError)
      return { refused: { code: error.code, message: error.message, fields: error.fields } };
    return { threw: { type: (error as Error)?.constructor?.name, message: (error as Error)?.message } };
  }
}

/** What HTTP can bring: JSON (Nest's pipe deletes `__proto__` keys in place, so each pipe gets its own). */
const fresh = (payload: unknown): unknown =>
  payload === undefined ? undefined : (JSON.parse(JSON.stringify(payload)) as unknown);

// The edge answers inputs its DTOs' compiled validators accept without Nest's ValidationPipe
// (EdgeValidationPipe.acceptedAsIs): every answer must be the one the pipe alone gives.
describe('EdgeValidationPipe with compiled validators', () => {
  const fast = new EdgeValidationPipe();
  const alone = new PipeAlone();

  it('covers every validated edge DTO', () => {
    expect(cases.filter((entry) => entry.sample === undefined).map((entry) => entry.label)).toEqual([]);
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases)('$label: answers its sample as the pipe alone does', async ({ dto, part, sample }) => {
    const metadata: ArgumentMetadata = { type: part, metatype: dto };
    const answer = await outcome(fast, fresh(sample), metadata);
    expect(answer).toEqual(await outcome(alone, fresh(sample), metadata));
    expect(answer).toHaveProperty('accepted');
  });

  it.each(cases)('$label: answers spoiled and hostile inputs as the pipe alone does', async ({ dto, part, sample }) => {
    const metadata: ArgumentMetadata = { type: part, metatype: dto };
    const verdicts = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(spoiledPayload(sample), hostilePayload(sample)), async (payload) => {
        const answer = await outcome(fast, fresh(payload), metadata);
        expect(answer).toEqual(await outcome(alone, fresh(payload), metadata));
        verdicts[Object.hasOwn(answer as object, 'accepted') ? 'accepted' : 'refused']++;
      }),
      RUNS,
    );
    expect(verdicts.refused).toBeGreaterThan(0);
    expect(verdicts.accepted).toBeGreaterThan(0);
  });
});
