import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, ValidateIf, ValidateNested } from 'class-validator';
import type { DtoClass } from '../contracts/contract.types.js';

/** How {@link Nested} reads a list of nested DTOs. */
export interface NestedListOptions {
  /** The field is a list: at most this many items, each an object of the class. */
  maxItems: number;
}

/**
 * A field holding a nested DTO that must be present and be an object of `type`, validated in
 * turn; with `{ maxItems }`, a list of at most `maxItems` such objects. `@ValidateNested` alone
 * is not enough: it lets `[]` through where an object is declared (it validates the "items" of
 * the array) and skips a missing value, so the handler would see something the class never
 * allowed (a `NOT NULL` column refusing it turns a 400 into a 500). Combine with
 * {@link Optional} for a field that may be absent, {@link Nullable} for one that may be `null`.
 *
 * Applies `@IsObject` (which refuses arrays, `null` and a missing value), `@ValidateNested`
 * and class-transformer's `@Type`; for a list `@IsArray`, `@ArrayMaxSize` and `@IsObject` on
 * each item instead.
 */
export function Nested(type: () => DtoClass, list?: NestedListOptions): PropertyDecorator {
  // @ValidateNested's own message for a non-object ("must be either object or array") would
  // contradict @IsObject's; the doors list a field's identical messages once.
  if (list === undefined) {
    return applyDecorators(IsObject(), ValidateNested({ message: '$property must be an object' }), Type(type));
  }
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(list.maxItems),
    IsObject({ each: true }),
    ValidateNested({ each: true, message: 'each item must be an object' }),
    Type(type),
  );
}

/**
 * The field may be absent; when present it must be valid — `null` included, unlike
 * class-validator's `@IsOptional`, which skips every check for `null` and so lets it reach a
 * `NOT NULL` column. A field that may also be `null` adds {@link Nullable}.
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/**
 * The field may be `null` (and then nothing else is checked); any other value must be valid.
 * Only for fields whose type says `| null`: a DTO field is not nullable unless declared so.
 */
export function Nullable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== null);
}
