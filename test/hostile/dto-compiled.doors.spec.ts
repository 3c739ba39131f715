// class-transformer's @Type reads decorator metadata; in an app, @nestjs/core loads this polyfill.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import * as catalog from '@contracts/catalog';
import * as identity from '@contracts/identity';
import * as inventory from '@contracts/inventory';
import * as orders from '@contracts/orders';
import * as payments from '@contracts/payments';
import { ValidationError } from '@seam/transport';
import * as fc from 'fast-check';
import * as authDtos from '../../apps/monolith/src/edge/auth/auth.dto.js';
import * as moneyDtos from '../../apps/monolith/src/edge/money.dto.js';
import * as orderDtos from '../../apps/monolith/src/edge/orders/orders.dto.js';
import * as productDtos from '../../apps/monolith/src/edge/products/products.dto.js';
import * as bench from '../../bench/transport/bench.contract.js';
import { compileValidator } from '../../libs/seam/transport/src/door/compile-validator.js';
import { copyAsJson } from '../../libs/seam/transport/src/wire/json-copy.js';
import { validatePayload, validateWithClassValidator } from '../../libs/seam/transport/src/door/validate-payload.js';
import * as probe from '../parity/fixtures/probe.contract.js';
import { CONTRACT_SAMPLES, EDGE_SAMPLES, type EdgeSample } from './support/dto-samples.js';
import { hostilePayload, isValidatedDto } from './support/dto-rules.js';
import { spoiledPayload } from './support/dto-spoilers.js';

type Dto = new () => object;

/** Every validated class the modules export, as `module.Class`. */
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
const fixtureDtos = validatedClasses({ probe, bench });
const PROBE_SAMPLES: Record<string, Record<string, unknown>> = {
  'probe.EchoRequest': { text: 'hi', count: 1 },
  'probe.OrderLine': { sku: 'A', quantity: 1 },
  'probe.CheckOrderRequest': { customer: 'c', lines: [{ sku: 'A', quantity: 1 }] },
  'probe.BlobRequest': { blob: 'x' },
  'probe.StateRequest': { key: 'k', tags: ['a', 'b'] },
  'probe.SleepRequest': { ms: 1, id: 'i' },
  'probe.BlockRequest': { ms: 1 },
  'probe.PeekRequest': { key: 'k', customer: 'c' },
  'probe.PingSent': { id: 'i', text: 't' },
  'bench.Triple': { name: 'widget', quantity: 3, gift: true },
};

/** A query's sample as the DTO sees it once converted (`'2'` → 2): this door converts nothing. */
function asBody({ part, sample }: EdgeSample): Record<string, unknown> {
  if (part !== 'query') return sample;
  return Object.fromEntries(
    Object.entries(sample).map(([key, value]) => [
      key,
      typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
    ]),
  );
}

const cases = [
  ...[...contractDtos].map(([label, dto]) => ({ label, dto, sample: CONTRACT_SAMPLES[label]! })),
  ...[...edgeDtos].map(([label, dto]) => ({ label: `edge.${label}`, dto, sample: asBody(EDGE_SAMPLES[label]!) })),
  ...[...fixtureDtos].map(([label, dto]) => ({ label, dto, sample: PROBE_SAMPLES[label]! })),
  { label: 'probe.Empty', dto: probe.Empty as Dto, sample: {} },
];
const RUNS = { numRuns: 400 };

/** A door's answer, comparable with toEqual: the instance's classes and fields, or the error's shape. */
function outcome(validate: (dto: Dto, value: unknown) => unknown, dto: Dto, payload: unknown): unknown {
  try {
    return { accepted: shapeOf(validate(dto, payload)) };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { refused: { type: 'ValidationError', code: error.code, message: error.message, fields: error.fields } };
    }
    return { threw: { type: (error as Error)?.constructor?.name, message: (error as Error)?.message } };
  }
}

/** Classes and fields, recursively: the same JSON under another class is another answer. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return { list: value.map(shapeOf) };
  if (typeof value !== 'object' || value === null) return value;
  const fields = Object.keys(value).map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]);
  return { class: value.constructor, fields };
}

/** `payload` after a JSON round trip, as every transport delivers it; `undefined` when it cannot travel. */
function asReceived(payload: unknown): unknown {
  try {
    return copyAsJson(payload, Number.MAX_SAFE_INTEGER);
  } catch {
    return undefined;
  }
}

/** Spoiled anywhere, or with top-level fields replaced (the fuzzer's own generator, which needs a field). */
function payloads(sample: Record<string, unknown>): fc.Arbitrary<unknown> {
  return Object.keys(sample).length > 0
    ? fc.oneof(spoiledPayload(sample), hostilePayload(sample))
    : spoiledPayload(sample);
}

describe('compiled door validation', () => {
  it('covers every validated DTO, each with a valid sample', () => {
    expect(cases.filter((entry) => entry.sample === undefined).map((entry) => entry.label)).toEqual([]);
    expect(contractDtos.size).toBeGreaterThan(25);
    expect(edgeDtos.size).toBeGreaterThan(10);
  });

  it.each(cases)('$label: is compiled, not left to class-validator', ({ dto }) => {
    expect(compileValidator(dto).check).not.toBeNull();
  });

  it.each(cases)('$label: accepts its sample as class-validator does', ({ dto, sample }) => {
    const compiled = outcome(validatePayload, dto, structuredClone(sample));
    expect(compiled).toEqual(outcome(validateWithClassValidator, dto, structuredClone(sample)));
    expect(compiled).toHaveProperty('accepted');
  });

  it.each(cases)('$label: answers spoiled and hostile payloads exactly as class-validator does', ({ dto, sample }) => {
    const { constrained, check } = compileValidator(dto);
    const verdicts = { accepted: 0, refused: 0, received: 0, acceptedByCheck: 0 };
    fc.assert(
      fc.property(payloads(sample), (payload) => {
        const compiled = outcome(validatePayload, dto, payload);
        expect(compiled).toEqual(outcome(validateWithClassValidator, dto, payload));
        const accepted = Object.hasOwn(compiled as object, 'accepted');
        verdicts[accepted ? 'accepted' : 'refused']++;
        // The payload as a door receives it: after the wire, or the in-process copy, which has the
        // wire's JSON semantics (no `undefined` in a list, no NaN, no -0).
        const received = asReceived(payload);
        if (!constrained || received === undefined) return;
        if (!Object.hasOwn(outcome(validateWithClassValidator, dto, received) as object, 'accepted')) return;
        verdicts.received++;
        if (check!(validatePayload(dto, received) as object)) verdicts.acceptedByCheck++;
      }),
      RUNS,
    );
    // Both verdicts were exercised (a DTO whose fields are all optional accepts most payloads).
    expect(verdicts.refused).toBeGreaterThan(0);
    expect(verdicts.accepted).toBeGreaterThan(0);
    // The compiled check accepted each payload a door can receive on its own: class-validator never
    // had to say yes. (Not so for `[undefined]` in a list, which class-validator lets through a
    // nested list and the check does not — the outcome is class-validator's either way — but
    // which no door receives. A field-less DTO has no check: `{}` is all it accepts.)
    expect(verdicts.acceptedByCheck).toBe(verdicts.received);
    expect(verdicts.received > 0).toBe(constrained);
  });
});
