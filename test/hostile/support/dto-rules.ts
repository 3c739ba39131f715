import { expect } from '@jest/globals';
import { MAX_REPORTED_VIOLATIONS, ValidationError } from '@seam/transport';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import * as fc from 'fast-check';

type Dto = abstract new (...args: never[]) => unknown;

/** Fields that may hold `null` (`@Nullable()`): none yet. A field added here must say why. */
const NULLABLE = new Set<string>();

/** Validators that accept only strings: a field carrying one needs `@MaxLength`. */
const STRING_CHECKS = new Set(['isString', 'matches', 'isUuid', 'isEmail', 'isIso8601']);
/** Validators that say the field is a list: it needs `@ArrayMaxSize`. */
const LIST_CHECKS = new Set(['isArray', 'arrayMinSize', 'arrayMaxSize']);

/** Every class-validator rule of `dto`, by property. */
export function rulesOf(dto: Dto): Map<string, ValidationMetadata[]> {
  const rules = new Map<string, ValidationMetadata[]>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(dto as never, '', true, false)) {
    rules.set(meta.propertyName, [...(rules.get(meta.propertyName) ?? []), meta]);
  }
  return rules;
}

/** Whether class-validator knows any rule of `value` (a class): the classes a door validates. */
export function isValidatedDto(value: unknown): value is Dto {
  return typeof value === 'function' && rulesOf(value as Dto).size > 0;
}

const named = (rules: ValidationMetadata[], name: string) => rules.filter((rule) => rule.name === name);
const conditions = (rules: ValidationMetadata[]) => rules.filter((rule) => rule.type === 'conditionalValidation');
const isOptional = (rules: ValidationMetadata[]) =>
  conditions(rules).some((rule) => !(rule.constraints[0] as (o: object, v: unknown) => boolean)({}, undefined));

/**
 * The class of bugs behind the 500s, checked on the metadata of every validated DTO: a nested
 * DTO is an object (`@Nested`: `@IsObject` beside `@ValidateNested`); an optional field
 * (`@Optional`) still validates `null` unless the field is listed as nullable (`@IsOptional`
 * does not); every string and list has a maximum.
 */
export function expectSafeRules(label: string, dto: Dto): void {
  for (const [property, rules] of rulesOf(dto)) {
    const where = `${label}.${property}`;
    if (rules.some((rule) => rule.type === 'nestedValidation')) {
      expect({ where, isObject: named(rules, 'isObject').length }).toEqual({ where, isObject: 1 });
    }
    for (const rule of conditions(rules)) {
      const validatesNull = (rule.constraints[0] as (o: object, v: unknown) => boolean)({}, null);
      expect({ where, validatesNull }).toEqual({ where, validatesNull: !NULLABLE.has(where) });
    }
    if (rules.some((rule) => STRING_CHECKS.has(rule.name ?? ''))) {
      expect({ where, maxLength: named(rules, 'maxLength').length }).toEqual({ where, maxLength: 1 });
    }
    const isList = rules.some((rule) => LIST_CHECKS.has(rule.name ?? '') || (rule.each && rule.name !== 'maxLength'));
    if (isList)
      expect({ where, arrayMaxSize: named(rules, 'arrayMaxSize').length }).toEqual({ where, arrayMaxSize: 1 });
  }
}

/**
 * What a door let through can be stored: required fields are present, no field is `null`
 * (unless nullable), a nested DTO is an instance of its class and not an array, lists and
 * strings are within their maximum. Checked on whatever the door accepted.
 */
export function expectStorable(label: string, dto: Dto, accepted: unknown): void {
  expect(accepted).toBeInstanceOf(dto);
  const instance = accepted as Record<string, unknown>;
  for (const [property, rules] of rulesOf(dto)) {
    const where = `${label}.${property}`;
    const value = instance[property];
    if (value === undefined) {
      expect({ where, optional: isOptional(rules) }).toEqual({ where, optional: true });
      continue;
    }
    if (value === null) expect({ where, nullable: NULLABLE.has(where) }).toEqual({ where, nullable: true });
    const maxLength = named(rules, 'maxLength')[0]?.constraints[0] as number | undefined;
    if (typeof value === 'string' && maxLength !== undefined) expect(value.length).toBeLessThanOrEqual(maxLength);
    const maxItems = named(rules, 'arrayMaxSize')[0]?.constraints[0] as number | undefined;
    if (maxItems !== undefined) expect((value as unknown[]).length).toBeLessThanOrEqual(maxItems);
    if (named(rules, 'isObject').length > 0 && value !== null) {
      const items = maxItems === undefined ? [value] : (value as unknown[]);
      for (const item of items) {
        expect({ where, array: Array.isArray(item), type: typeof item }).toEqual({
          where,
          array: false,
          type: 'object',
        });
      }
    }
  }
}

/** A refusal is a typed ValidationError of bounded size, whatever the input. */
export function expectBoundedRefusal(error: unknown): void {
  expect(error).toBeInstanceOf(ValidationError);
  const fields = (error as ValidationError).fields;
  expect(fields.length).toBeGreaterThan(0);
  expect(fields.length).toBeLessThanOrEqual(MAX_REPORTED_VIOLATIONS);
  for (const field of fields) {
    expect(field.path.length).toBeLessThanOrEqual(200);
    for (const message of field.messages) expect(message.length).toBeLessThanOrEqual(200);
  }
}

/** Values an attacker (or a fuzzer reading the OpenAPI document) puts where a field is expected. */
export function hostileValue(sample: Record<string, unknown>): fc.Arbitrary<unknown> {
  const fromSample = Object.values(sample);
  return fc.oneof(
    fc.constantFrom<unknown>(null, undefined, [], {}, '', 0, -1, 1.5, true, [[]], [null], 'x'.repeat(5_000)),
    // A valid value of one field put in another, or wrapped in an array (`"price": [{…}]`).
    fc.constantFrom<unknown>(...fromSample, ...fromSample.map((value) => [value])),
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 60 }),
    fc.string({ maxLength: 300 }),
    fc.double(),
  );
}

/** `sample` with some of its fields (and maybe an unknown one) replaced by hostile values or removed. */
export function hostilePayload(sample: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...Object.keys(sample), 'extra'];
  const change = fc.oneof(
    fc.constant<{ remove: true }>({ remove: true }),
    hostileValue(sample).map((value) => ({ value })),
  );
  return fc.dictionary(fc.constantFrom(...keys), change, { minKeys: 1, maxKeys: 3 }).map((changes) => {
    const payload = structuredClone(sample);
    for (const [key, edit] of Object.entries(changes)) {
      if (edit && typeof edit === 'object' && 'remove' in edit) delete payload[key];
      else payload[key] = (edit as { value: unknown }).value;
    }
    return payload;
  });
}
