import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  arrayMaxSize,
  arrayMinSize,
  getMetadataStorage,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_EMAIL,
  IS_IN,
  IS_INT,
  IS_ISO8601,
  IS_OBJECT,
  IS_STRING,
  IS_UUID,
  isArray,
  isBoolean,
  isEmail,
  isIn,
  isInt,
  isISO8601,
  isObject,
  isString,
  isUUID,
  MATCHES,
  matches,
  MAX,
  MAX_LENGTH,
  max,
  maxLength,
  MIN,
  MIN_LENGTH,
  min,
  minLength,
} from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';

/** Whether one value passes one constraint, exactly as the decorator's own validator judges it. */
export type ValueCheck = (value: unknown) => boolean;

/**
 * Whether a property's value passes one constraint metadata (`each` and `validateIf` included):
 * `true` only where class-validator records no error for it. `false` may also mean "not sure"
 * (a `Set` under `each`): the caller then asks class-validator, which decides.
 */
export type PropertyCheck = (value: unknown, object: object) => boolean;

type Loose = (value: unknown, ...constraints: unknown[]) => boolean;
type Factory = (constraints: readonly unknown[]) => ValueCheck | null;

/** The class-validator function itself, with the decorator's constraint bound as its validator binds it. */
const withOne =
  (check: Loose): Factory =>
  ([first]) =>
  (value) =>
    check(value, first);

/**
 * The built-in decorators the project's DTOs use, by constraint name, each turned into the very
 * function its validator calls (class-validator's exports, so the verdict cannot drift). A few
 * add a shortcut that gives the same answer without the slow part: `maxLength` counts surrogate
 * pairs with two regular expressions, but a string no longer than the limit in UTF-16 units is
 * within it whatever it holds, and one shorter than the minimum in units is too short.
 */
const BUILT_INS: Record<string, Factory> = {
  [IS_STRING]: () => isString,
  [IS_INT]: () => isInt,
  [IS_BOOLEAN]: () => isBoolean,
  [IS_ARRAY]: () => isArray,
  [IS_OBJECT]: () => isObject,
  [MIN]: withOne(min as Loose),
  [MAX]: withOne(max as Loose),
  [ARRAY_MIN_SIZE]: withOne(arrayMinSize as Loose),
  [ARRAY_MAX_SIZE]: withOne(arrayMaxSize as Loose),
  [IS_IN]: withOne(isIn as Loose),
  [IS_UUID]: withOne(isUUID as Loose),
  [IS_EMAIL]: withOne(isEmail as Loose),
  [IS_ISO8601]: withOne(isISO8601 as Loose),
  [MAX_LENGTH]: ([limit]) =>
    typeof limit === 'number'
      ? (value) => typeof value === 'string' && (value.length <= limit || maxLength(value, limit))
      : null,
  [MIN_LENGTH]: ([limit]) =>
    typeof limit === 'number'
      ? (value) => typeof value === 'string' && value.length >= limit && minLength(value, limit)
      : null,
  [MATCHES]: ([pattern, modifiers]) => {
    if (!(pattern instanceof RegExp)) return (value) => (matches as Loose)(value, pattern, modifiers);
    // A global or sticky pattern keeps state between calls (`lastIndex`): checking twice, as the
    // compiled check and then class-validator would, could answer differently than checking once.
    if (pattern.global || pattern.sticky) return null;
    // For any other plain RegExp (no subclass, no own `exec`), `test` answers what validator.js's
    // `!!str.match(pattern)` does, without building the match array.
    if (Object.getPrototypeOf(pattern) !== RegExp.prototype || Reflect.ownKeys(pattern).length !== 1) {
      return (value) => (matches as Loose)(value, pattern, modifiers);
    }
    return (value) => typeof value === 'string' && pattern.test(value);
  },
};

/**
 * The check of one `customValidation` metadata, or `null` when it is not a synchronous built-in
 * the compiler knows (a user-defined constraint, an async one, an unusual argument): the DTO
 * then goes through class-validator. A user-defined constraint registered under a built-in's name
 * (`registerDecorator({ name: 'isString', … })`) would be taken for the built-in: class-validator
 * keeps nothing that tells them apart, and no DTO of the project does it.
 */
export function constraintCheck(meta: ValidationMetadata): PropertyCheck | null {
  const [constraint, ...others] = getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls);
  if (!constraint || others.length > 0 || constraint.async || constraint.name !== meta.name) return null;
  const factory = Object.hasOwn(BUILT_INS, constraint.name) ? BUILT_INS[constraint.name] : undefined;
  const check = factory?.(meta.constraints ?? []);
  if (!check) return null;
  const single = meta.each ? everyItem(check) : check;
  const { validateIf } = meta as { validateIf?: (object: object, value: unknown) => boolean };
  if (!validateIf) return (value) => single(value);
  if (typeof validateIf !== 'function') return null;
  return (value, object) => !validateIf(object, value) || single(value);
}

/**
 * `each: true`: every item of an array must pass. class-validator also reads a `Set` or `Map`
 * item by item; no JSON payload holds one, so the compiled check leaves them to it (`false`).
 */
function everyItem(check: ValueCheck): ValueCheck {
  return (value) => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!check(value[i])) return false;
      return true;
    }
    if (value instanceof Set || value instanceof Map) return false;
    return check(value);
  };
}
