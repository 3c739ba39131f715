// class-transformer's @Type reads decorator metadata; in an app, @nestjs/core loads this polyfill.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ArgumentMetadata } from '@nestjs/common';
import * as catalog from '@contracts/catalog';
import * as identity from '@contracts/identity';
import * as inventory from '@contracts/inventory';
import * as orders from '@contracts/orders';
import * as payments from '@contracts/payments';
import { validatePayload } from '@seam/transport';
import * as fc from 'fast-check';
import * as authDtos from '../../apps/monolith/src/edge/auth/auth.dto.js';
import * as moneyDtos from '../../apps/monolith/src/edge/money.dto.js';
import * as orderDtos from '../../apps/monolith/src/edge/orders/orders.dto.js';
import * as productDtos from '../../apps/monolith/src/edge/products/products.dto.js';
import { EdgeValidationPipe } from '../../apps/monolith/src/edge/validation/edge-validation.pipe.js';
import { CONTRACT_SAMPLES, EDGE_SAMPLES } from './support/dto-samples.js';
import {
  expectBoundedRefusal,
  expectSafeRules,
  expectStorable,
  hostilePayload,
  isValidatedDto,
} from './support/dto-rules.js';

type Dto = new () => object;

/** Every validated class a module's contracts export, as `module.Class`. */
function validatedClasses(modules: Record<string, Record<string, unknown>>): Map<string, Dto> {
  const found = new Map<string, Dto>();
  for (const [module, exports] of Object.entries(modules)) {
    for (const [name, value] of Object.entries(exports))
      if (isValidatedDto(value)) found.set(`${module}.${name}`, value as Dto);
  }
  return found;
}

const contractDtos = validatedClasses({ catalog, identity, inventory, orders, payments });
const edgeDtos = validatedClasses({ auth: authDtos, money: moneyDtos, orders: orderDtos, products: productDtos });
const RUNS = { numRuns: 300 };

/** How a door refuses or accepts: the accepted instance, or the error it threw. */
async function outcome(door: () => unknown): Promise<{ accepted?: unknown; refused?: unknown }> {
  try {
    return { accepted: await door() };
  } catch (refused) {
    return { refused };
  }
}

describe('DTO doors under hostile input', () => {
  it('every validated DTO has a sample here, so that a new DTO is fuzzed too', () => {
    expect([...contractDtos.keys()].toSorted()).toEqual(Object.keys(CONTRACT_SAMPLES).toSorted());
    expect([...edgeDtos.keys()].toSorted()).toEqual(Object.keys(EDGE_SAMPLES).toSorted());
  });

  describe('contract DTOs, through validatePayload (every transport)', () => {
    const cases = [...contractDtos].map(([label, dto]) => ({ label, dto, sample: CONTRACT_SAMPLES[label]! }));

    it.each(cases)('$label: nested objects, null, optional fields and maxima follow the rules', ({ label, dto }) => {
      expectSafeRules(label, dto);
    });

    it.each(cases)('$label: accepts its sample', ({ label, dto, sample }) => {
      expectStorable(label, dto, validatePayload(dto, structuredClone(sample)));
    });

    it.each(cases)(
      '$label: refuses hostile values with a bounded ValidationError, or accepts only storable ones',
      async ({ label, dto, sample }) => {
        await fc.assert(
          fc.asyncProperty(hostilePayload(sample), async (payload) => {
            const { accepted, refused } = await outcome(() => validatePayload(dto, payload));
            if (refused === undefined) expectStorable(label, dto, accepted);
            else expectBoundedRefusal(refused);
          }),
          RUNS,
        );
      },
    );
  });

  describe('edge DTOs, through EdgeValidationPipe (HTTP)', () => {
    const pipe = new EdgeValidationPipe();
    const cases = [...edgeDtos].map(([label, dto]) => ({
      label,
      dto,
      part: EDGE_SAMPLES[label]!.part,
      sample: EDGE_SAMPLES[label]!.sample,
    }));

    it.each(cases)('$label: nested objects, null, optional fields and maxima follow the rules', ({ label, dto }) => {
      expectSafeRules(label, dto);
    });

    it.each(cases)('$label: accepts its sample', async ({ label, dto, part, sample }) => {
      const metadata: ArgumentMetadata = { type: part, metatype: dto };
      expectStorable(label, dto, await pipe.transform(structuredClone(sample), metadata));
    });

    it.each(cases)(
      '$label: refuses hostile values with a bounded ValidationError, or accepts only storable ones',
      async ({ label, dto, part, sample }) => {
        const metadata: ArgumentMetadata = { type: part, metatype: dto };
        await fc.assert(
          fc.asyncProperty(hostilePayload(sample), async (payload) => {
            const { accepted, refused } = await outcome(() => pipe.transform(payload, metadata));
            if (refused === undefined) expectStorable(label, dto, accepted);
            else expectBoundedRefusal(refused);
          }),
          RUNS,
        );
      },
    );
  });
});
