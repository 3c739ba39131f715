import * as classValidator from 'class-validator';
import type { ValidationError as ClassValidatorError } from 'class-validator';

/** The fields of a path or query DTO whose text the edge reads in its own way. */
interface TextFields {
  /** Fields validated `@IsUUID`. */
  readonly uuids: ReadonlySet<string>;
  /** Fields validated `@IsInt`. */
  readonly integers: ReadonlySet<string>;
}

const textFieldsOf = new WeakMap<object, TextFields>();

/** Plain decimal digits: what a client means by an integer in a URL. */
const DECIMAL_DIGITS = /^[0-9]+$/;

/**
 * Path or query values (text, as the URL spells them) as the edge reads them for the DTO
 * `metatype`, before the validation pipe converts and checks them:
 *
 * - a UUID field (`@IsUUID`) is lower-cased: UUIDs are case-insensitive (RFC 9562 §4), the modules
 *   issue them in lower case and look them up as given, so `/api/orders/<ID IN UPPER CASE>` was a
 *   404 for the customer's own order. Every route with a UUID parameter reads it the same way.
 * - an integer field (`@IsInt`) whose text is anything but plain decimal digits becomes `NaN`,
 *   which the pipe refuses as it refuses `two` ({@link describeTextErrors} words the message),
 *   together with every other field it refuses. Left to the pipe's conversion (`Number(text)`),
 *   `0x10` read as 16, `1e1` as 10, ` 2`, `+3` and `1.0` as numbers, and an empty value as 0.
 *
 * Answers `values` itself when there is nothing to change; never changes it (a copy is made).
 */
export function readPathOrQueryText(values: unknown, metatype: new () => object): unknown {
  if (typeof values !== 'object' || values === null) return values;
  const { uuids, integers } = textFields(metatype);
  let read: Record<string, unknown> | undefined;
  for (const [key, text] of Object.entries(values)) {
    if (typeof text !== 'string') continue;
    const value = uuids.has(key) ? text.toLowerCase() : integers.has(key) && !DECIMAL_DIGITS.test(text) ? NaN : text;
    if (value === text) continue;
    read ??= { ...values };
    read[key] = value;
  }
  return read ?? values;
}

function textFields(metatype: new () => object): TextFields {
  let fields = textFieldsOf.get(metatype);
  if (!fields) {
    const uuids = new Set<string>();
    const integers = new Set<string>();
    // The copy of class-validator the DTOs' decorators wrote to (see EdgeValidationPipe).
    for (const meta of classValidator.getMetadataStorage().getTargetValidationMetadatas(metatype, '', false, false)) {
      if (meta.name === classValidator.IS_UUID) uuids.add(meta.propertyName);
      if (meta.name === classValidator.IS_INT) integers.add(meta.propertyName);
    }
    fields = { uuids, integers };
    textFieldsOf.set(metatype, fields);
  }
  return fields;
}

/**
 * class-validator's errors for path or query text, worded for text: an integer field refused says
 * that only decimal digits are read (class-validator's "must be an integer number" is wrong for
 * `-1` or `1.0`). Rewrites the messages of `errors`, which the caller owns (a refusal being built).
 */
export function describeTextErrors(errors: readonly ClassValidatorError[]): readonly ClassValidatorError[] {
  for (const error of errors) {
    if (error.constraints?.[classValidator.IS_INT] !== undefined)
      error.constraints[classValidator.IS_INT] = `${error.property} must be a whole number in decimal digits (0-9)`;
    describeTextErrors(error.children ?? []);
  }
  return errors;
}
